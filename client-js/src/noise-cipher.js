// @ts-check
// Noise CipherState and SymmetricState (spec sections 5.1 and 5.2) for the AESGCM / SHA256
// suite on WebCrypto.

import { asBytes, utf8 } from './bytes.js';
import {
  EMPTY, HASHLEN, MAX_NONCE, NoiseDecryptError, NoiseError, TAG_LENGTH, hkdf, sha256,
} from './noise-primitives.js';

/** @typedef {ArrayBuffer | ArrayBufferView} BytesLike */
/** @typedef {Uint8Array<ArrayBuffer>} Bytes */

const subtle = globalThis.crypto.subtle;

// ---------------------------------------------------------------------------------------------
// CipherState

/**
 * @param {bigint} n
 * @returns {Bytes}
 */
function nonceBytes(n) {
  const iv = new Uint8Array(12);
  new DataView(iv.buffer).setBigUint64(4, n, false);
  return iv;
}

/**
 * CipherState: an AES-256-GCM key and a 64-bit counter nonce (4 zero bytes || big-endian n).
 * Calls must not overlap (WebCrypto is async and the nonce order is the protocol): an
 * overlapping call throws instead of silently reusing or skipping a nonce.
 */
export class CipherState {
  /** @type {CryptoKey | null} */
  #key = null;
  #nonce = 0n;
  #busy = false;

  /**
   * InitializeKey(key): 32 raw bytes, or null for "no key" (messages pass through).
   * @param {BytesLike | null} rawKey
   */
  async initializeKey(rawKey) {
    this.#nonce = 0n;
    if (rawKey == null) {
      this.#key = null;
      return;
    }
    const bytes = asBytes(rawKey);
    if (bytes.length !== 32) throw new NoiseError('cipher key must be 32 bytes');
    this.#key = await subtle.importKey('raw', bytes, { name: 'AES-GCM' }, false, ['encrypt', 'decrypt']);
  }

  hasKey() {
    return this.#key !== null;
  }

  /** The next nonce, as a BigInt. */
  get nonce() {
    return this.#nonce;
  }

  /** @param {bigint | number} n */
  setNonce(n) {
    this.#nonce = BigInt(n);
  }

  /**
   * @param {BytesLike} ad
   * @param {BytesLike} plaintext
   * @returns {Promise<Bytes>}
   */
  async encryptWithAd(ad, plaintext) {
    if (!this.#key) return asBytes(plaintext).slice();
    this.#enter();
    try {
      this.#checkNonce();
      const iv = nonceBytes(this.#nonce);
      // The nonce is consumed even if encryption were to fail: never risk reusing it.
      this.#nonce += 1n;
      const out = await subtle.encrypt(
        { name: 'AES-GCM', iv, additionalData: asBytes(ad), tagLength: 128 }, this.#key, asBytes(plaintext));
      return new Uint8Array(out);
    } finally {
      this.#busy = false;
    }
  }

  /**
   * Throws NoiseDecryptError on authentication failure and leaves the nonce unchanged.
   * @param {BytesLike} ad
   * @param {BytesLike} ciphertext
   * @returns {Promise<Bytes>}
   */
  async decryptWithAd(ad, ciphertext) {
    if (!this.#key) return asBytes(ciphertext).slice();
    this.#enter();
    try {
      this.#checkNonce();
      const bytes = asBytes(ciphertext);
      if (bytes.length < TAG_LENGTH) throw new NoiseDecryptError('Noise message shorter than its tag');
      let out;
      try {
        out = await subtle.decrypt(
          { name: 'AES-GCM', iv: nonceBytes(this.#nonce), additionalData: asBytes(ad), tagLength: 128 },
          this.#key, bytes);
      } catch {
        throw new NoiseDecryptError();
      }
      this.#nonce += 1n;
      return new Uint8Array(out);
    } finally {
      this.#busy = false;
    }
  }

  /** Rekey(): k = first 32 bytes of ENCRYPT(k, 2^64-1, empty, 32 zero bytes). */
  async rekey() {
    if (!this.#key) throw new NoiseError('no key to rekey');
    const out = new Uint8Array(await subtle.encrypt(
      { name: 'AES-GCM', iv: nonceBytes(MAX_NONCE), additionalData: EMPTY, tagLength: 128 },
      this.#key, new Uint8Array(32)));
    const nonce = this.#nonce;
    await this.initializeKey(out.subarray(0, 32));
    this.#nonce = nonce;
    out.fill(0);
  }

  #enter() {
    if (this.#busy) throw new NoiseError('CipherState used by overlapping calls');
    this.#busy = true;
  }

  #checkNonce() {
    if (this.#nonce >= MAX_NONCE) {
      this.#busy = false;
      throw new NoiseError('nonce space exhausted');
    }
  }
}

// ---------------------------------------------------------------------------------------------
// SymmetricState

export class SymmetricState {
  /** Chaining key ck and handshake hash h. */
  ck = new Uint8Array(0);
  h = new Uint8Array(0);
  cipher = new CipherState();

  /**
   * InitializeSymmetric(protocol_name).
   * @param {string} protocolName
   * @returns {Promise<SymmetricState>}
   */
  static async initialize(protocolName) {
    const state = new SymmetricState();
    const name = utf8(protocolName);
    if (name.length <= HASHLEN) {
      state.h = new Uint8Array(HASHLEN);
      state.h.set(name);
    } else {
      state.h = await sha256(name);
    }
    state.ck = state.h.slice();
    await state.cipher.initializeKey(null);
    return state;
  }

  /** @param {Uint8Array} inputKeyMaterial */
  async mixKey(inputKeyMaterial) {
    const [ck, tempK] = await hkdf(this.ck, inputKeyMaterial, 2);
    this.ck = ck;
    await this.cipher.initializeKey(tempK);
    tempK.fill(0);
  }

  /** @param {Uint8Array} data */
  async mixHash(data) {
    this.h = await sha256(this.h, data);
  }

  /** @param {Uint8Array} inputKeyMaterial */
  async mixKeyAndHash(inputKeyMaterial) {
    const [ck, tempH, tempK] = await hkdf(this.ck, inputKeyMaterial, 3);
    this.ck = ck;
    await this.mixHash(tempH);
    await this.cipher.initializeKey(tempK);
    tempK.fill(0);
  }

  getHandshakeHash() {
    return this.h.slice();
  }

  /**
   * @param {Uint8Array} plaintext
   * @returns {Promise<Bytes>}
   */
  async encryptAndHash(plaintext) {
    const ciphertext = await this.cipher.encryptWithAd(this.h, plaintext);
    await this.mixHash(ciphertext);
    return ciphertext;
  }

  /**
   * @param {Uint8Array} ciphertext
   * @returns {Promise<Bytes>}
   */
  async decryptAndHash(ciphertext) {
    const plaintext = await this.cipher.decryptWithAd(this.h, ciphertext);
    await this.mixHash(ciphertext);
    return plaintext;
  }

  /**
   * Split(): two CipherStates, initiator->responder first.
   * @returns {Promise<[CipherState, CipherState]>}
   */
  async split() {
    const [k1, k2] = await hkdf(this.ck, EMPTY, 2);
    const c1 = new CipherState();
    const c2 = new CipherState();
    await c1.initializeKey(k1);
    await c2.initializeKey(k2);
    k1.fill(0);
    k2.fill(0);
    this.ck.fill(0);
    return [c1, c2];
  }
}

// ---------------------------------------------------------------------------------------------
