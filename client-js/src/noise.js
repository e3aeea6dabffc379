// @ts-check
// Noise Protocol Framework (revision 34) for the 25519 / AESGCM / SHA256 suite, on WebCrypto
// only. The objects and their names follow the specification: CipherState, SymmetricState,
// HandshakeState. HandshakeState interprets any handshake pattern from the specification's
// table (fundamental, one-way, deferred) plus pskN modifiers, so the published test vectors
// exercise the same code the extension runs for Noise_XX.
//
// Keys: a key pair is { privateKey: CryptoKey, publicKey: Uint8Array(32) }. The private key
// may be non-extractable; only deriveBits is ever used on it.

import { asBytes, concat, fromHex, utf8 } from './bytes.js';

/** @typedef {import('./types.js').KeyPair} KeyPair */
/** @typedef {ArrayBuffer | ArrayBufferView} BytesLike */
/** @typedef {Uint8Array<ArrayBuffer>} Bytes */

const subtle = globalThis.crypto.subtle;

export const DHLEN = 32;
export const HASHLEN = 32;
export const TAG_LENGTH = 16;
/** Largest Noise message, handshake or transport (spec section 3). */
export const MAX_MESSAGE_LENGTH = 65535;
/** Largest plaintext that fits one transport message. */
export const MAX_PLAINTEXT_LENGTH = MAX_MESSAGE_LENGTH - TAG_LENGTH;

const EMPTY = new Uint8Array(0);
// 2^64 - 1 is reserved by the spec (used by Rekey); reaching it means the key is worn out.
const MAX_NONCE = (1n << 64n) - 1n;

/** A message failed authentication. The CipherState's nonce did not advance. */
export class NoiseDecryptError extends Error {
  constructor(message = 'Noise message failed to decrypt') {
    super(message);
    this.name = 'NoiseDecryptError';
  }
}

/** Bad input or misuse other than a decryption failure (short message, wrong turn, ...). */
export class NoiseError extends Error {
  /** @param {string} message */
  constructor(message) {
    super(message);
    this.name = 'NoiseError';
  }
}

// ---------------------------------------------------------------------------------------------
// X25519

// PKCS#8 wrapping of a raw X25519 private key (RFC 8410). JWK import would need the public
// half "x" as well, which is what we want to compute, so PKCS#8 is the portable route.
const PKCS8_X25519_PREFIX = fromHex('302e020100300506032b656e04220420');
const BASE_POINT = new Uint8Array(32);
BASE_POINT[0] = 9;

/**
 * GENERATE_KEYPAIR(): a fresh X25519 key pair; the private key is not extractable by default.
 * @param {{ extractable?: boolean }} [options]
 * @returns {Promise<KeyPair>}
 */
export async function generateKeyPair({ extractable = false } = {}) {
  const pair = /** @type {CryptoKeyPair} */ (await subtle.generateKey({ name: 'X25519' }, extractable, ['deriveBits']));
  return fromCryptoKeyPair(pair);
}

/**
 * Turns a WebCrypto CryptoKeyPair into a Noise key pair (the public key is always exportable).
 * @param {CryptoKeyPair} pair
 * @returns {Promise<KeyPair>}
 */
export async function fromCryptoKeyPair(pair) {
  const publicKey = new Uint8Array(await subtle.exportKey('raw', pair.publicKey));
  return { privateKey: pair.privateKey, publicKey };
}

/**
 * Imports a raw 32-byte X25519 private key (tests, golden transcripts). The public key is
 * computed as DH(private, base point), which works for non-extractable keys too.
 * @param {BytesLike} rawPrivateKey
 * @param {{ extractable?: boolean }} [options]
 * @returns {Promise<KeyPair>}
 */
export async function importPrivateKey(rawPrivateKey, { extractable = false } = {}) {
  const raw = asBytes(rawPrivateKey);
  if (raw.length !== DHLEN) throw new NoiseError('X25519 private key must be 32 bytes');
  const pkcs8 = concat(PKCS8_X25519_PREFIX, raw);
  try {
    const privateKey = await subtle.importKey('pkcs8', pkcs8, { name: 'X25519' }, extractable, ['deriveBits']);
    const publicKey = await dh({ privateKey }, BASE_POINT);
    return { privateKey, publicKey };
  } finally {
    pkcs8.fill(0);
  }
}

/**
 * DH(key_pair, public_key): the X25519 shared secret.
 * @param {{ privateKey: CryptoKey }} keyPair
 * @param {BytesLike} publicKey
 * @returns {Promise<Bytes>}
 */
export async function dh(keyPair, publicKey) {
  const bytes = asBytes(publicKey);
  if (bytes.length !== DHLEN) throw new NoiseError('X25519 public key must be 32 bytes');
  try {
    const peer = await subtle.importKey('raw', bytes, { name: 'X25519' }, true, []);
    return new Uint8Array(await subtle.deriveBits({ name: 'X25519', public: peer }, keyPair.privateKey, 256));
  } catch (error) {
    // WebCrypto refuses low-order points (all-zero output); the handshake must fail.
    throw new NoiseError(`X25519 failed: ${/** @type {Error} */ (error).message}`);
  }
}

// ---------------------------------------------------------------------------------------------
// SHA-256, HMAC, HKDF

/**
 * SHA-256 of the concatenated parts.
 * @param {...Uint8Array} parts
 * @returns {Promise<Bytes>}
 */
export async function sha256(...parts) {
  return new Uint8Array(await subtle.digest('SHA-256', concat(...parts)));
}

/**
 * @param {Uint8Array<ArrayBuffer>} key
 * @param {...Uint8Array} data
 * @returns {Promise<Bytes>}
 */
async function hmacSha256(key, ...data) {
  const hmacKey = await subtle.importKey('raw', key, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  return new Uint8Array(await subtle.sign('HMAC', hmacKey, concat(...data)));
}

/**
 * HKDF(chaining_key, input_key_material, num_outputs) exactly as spec section 4.3.
 * @param {Bytes} chainingKey
 * @param {Uint8Array} inputKeyMaterial
 * @param {2 | 3} numOutputs
 * @returns {Promise<Bytes[]>}
 */
export async function hkdf(chainingKey, inputKeyMaterial, numOutputs) {
  const tempKey = await hmacSha256(chainingKey, inputKeyMaterial);
  const output1 = await hmacSha256(tempKey, Uint8Array.of(1));
  const output2 = await hmacSha256(tempKey, output1, Uint8Array.of(2));
  if (numOutputs === 2) {
    tempKey.fill(0);
    return [output1, output2];
  }
  const output3 = await hmacSha256(tempKey, output2, Uint8Array.of(3));
  tempKey.fill(0);
  return [output1, output2, output3];
}

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
// Handshake patterns (spec sections 7.4, 7.5 and 18). Lines before "..." are pre-messages.

/** @type {Record<string, string>} */
const PATTERNS = {
  N: '<- s\n...\n-> e, es',
  K: '-> s\n<- s\n...\n-> e, es, ss',
  X: '<- s\n...\n-> e, es, s, ss',
  NN: '-> e\n<- e, ee',
  NK: '<- s\n...\n-> e, es\n<- e, ee',
  NX: '-> e\n<- e, ee, s, es',
  KN: '-> s\n...\n-> e\n<- e, ee, se',
  KK: '-> s\n<- s\n...\n-> e, es, ss\n<- e, ee, se',
  KX: '-> s\n...\n-> e\n<- e, ee, se, s, es',
  XN: '-> e\n<- e, ee\n-> s, se',
  XK: '<- s\n...\n-> e, es\n<- e, ee\n-> s, se',
  XX: '-> e\n<- e, ee, s, es\n-> s, se',
  IN: '-> e, s\n<- e, ee, se',
  IK: '<- s\n...\n-> e, es, s, ss\n<- e, ee, se',
  IX: '-> e, s\n<- e, ee, se, s, es',
  NK1: '<- s\n...\n-> e\n<- e, ee, es',
  NX1: '-> e\n<- e, ee, s\n-> es',
  X1N: '-> e\n<- e, ee\n-> s\n<- se',
  X1K: '<- s\n...\n-> e, es\n<- e, ee\n-> s\n<- se',
  XK1: '<- s\n...\n-> e\n<- e, ee, es\n-> s, se',
  X1K1: '<- s\n...\n-> e\n<- e, ee, es\n-> s\n<- se',
  X1X: '-> e\n<- e, ee, s, es\n-> s\n<- se',
  XX1: '-> e\n<- e, ee, s\n-> es, s, se',
  X1X1: '-> e\n<- e, ee, s\n-> es, s\n<- se',
  K1N: '-> s\n...\n-> e\n<- e, ee\n-> se',
  K1K: '-> s\n<- s\n...\n-> e, es\n<- e, ee\n-> se',
  KK1: '-> s\n<- s\n...\n-> e\n<- e, ee, se, es',
  K1K1: '-> s\n<- s\n...\n-> e\n<- e, ee, es\n-> se',
  K1X: '-> s\n...\n-> e\n<- e, ee, s, es\n-> se',
  KX1: '-> s\n...\n-> e\n<- e, ee, se, s\n-> es',
  K1X1: '-> s\n...\n-> e\n<- e, ee, s\n-> se, es',
  I1N: '-> e, s\n<- e, ee\n-> se',
  I1K: '<- s\n...\n-> e, es, s\n<- e, ee\n-> se',
  IK1: '<- s\n...\n-> e, s\n<- e, ee, se, es',
  I1K1: '<- s\n...\n-> e, s\n<- e, ee, es\n-> se',
  I1X: '-> e, s\n<- e, ee, s, es\n-> se',
  IX1: '-> e, s\n<- e, ee, se, s\n-> es',
  I1X1: '-> e, s\n<- e, ee, s\n-> se, es',
};

const TOKENS = new Set(['e', 's', 'ee', 'es', 'se', 'ss', 'psk']);

/**
 * @typedef {object} MessagePattern
 * @property {boolean} fromInitiator
 * @property {string[]} tokens
 */

/**
 * @typedef {object} HandshakePattern
 * @property {string} name
 * @property {string} base
 * @property {MessagePattern[]} preMessages
 * @property {MessagePattern[]} messages
 * @property {number} pskCount
 */

/**
 * @param {string} line
 * @returns {MessagePattern}
 */
function parseLine(line) {
  const match = /^(->|<-)\s*(.*)$/.exec(line.trim());
  if (!match) throw new NoiseError(`bad pattern line: ${line}`);
  const tokens = match[2].split(',').map((t) => t.trim()).filter(Boolean);
  for (const token of tokens) if (!TOKENS.has(token)) throw new NoiseError(`unknown token ${token}`);
  return { fromInitiator: match[1] === '->', tokens };
}

/**
 * Parses "Noise_<pattern>_25519_AESGCM_SHA256" into pre-messages, messages and psk count.
 * Only the 25519/AESGCM/SHA256 suite and pskN modifiers are supported.
 * @param {string} protocolName
 * @returns {HandshakePattern}
 */
export function parseProtocolName(protocolName) {
  const match = /^Noise_([A-Z][A-Z0-9]*)((?:[a-z][a-z0-9]*)(?:\+[a-z][a-z0-9]*)*)?_25519_AESGCM_SHA256$/.exec(protocolName);
  if (!match) throw new NoiseError(`unsupported protocol name: ${protocolName}`);
  const [, base, modifierText] = match;
  const source = PATTERNS[base];
  if (!source) throw new NoiseError(`unknown handshake pattern: ${base}`);

  const lines = source.split('\n');
  const split = lines.indexOf('...');
  const preMessages = (split < 0 ? [] : lines.slice(0, split)).map(parseLine);
  const messages = lines.slice(split + 1).map(parseLine);
  messages.forEach((message, i) => {
    if (message.fromInitiator !== (i % 2 === 0)) throw new NoiseError(`pattern ${base} does not alternate`);
  });

  let pskCount = 0;
  for (const modifier of modifierText ? modifierText.split('+') : []) {
    const psk = /^psk(\d+)$/.exec(modifier);
    if (!psk) throw new NoiseError(`unsupported modifier: ${modifier}`);
    const position = Number(psk[1]);
    if (position === 0) messages[0].tokens.unshift('psk');
    else if (position <= messages.length) messages[position - 1].tokens.push('psk');
    else throw new NoiseError(`${modifier} is past the last message`);
    pskCount++;
  }
  return { name: protocolName, base, preMessages, messages, pskCount };
}

// ---------------------------------------------------------------------------------------------
// HandshakeState

/**
 * HandshakeState for one side of one handshake. Create with HandshakeState.initialize, then
 * alternate writeMessage/readMessage; after the last message, isComplete is true and
 * split() returns the transport CipherStates.
 */
export class HandshakeState {
  /** @type {HandshakePattern} */
  #pattern = /** @type {any} */ (null);
  #initiator = false;
  /** @type {SymmetricState} */
  #symmetric = new SymmetricState();
  /** @type {KeyPair | null} */
  #s = null;
  /** @type {KeyPair | null} */
  #e = null;
  /** @type {Bytes | null} */
  #rs = null;
  /** @type {Bytes | null} */
  #re = null;
  /** @type {Bytes[]} */
  #psks = [];
  /** @type {() => Promise<KeyPair>} */
  #ephemeralFactory = generateKeyPair;
  #messageIndex = 0;
  /** @type {[CipherState, CipherState] | null} */
  #ciphers = null;
  #failed = false;

  /**
   * @param {object} options
   * @param {string} options.protocolName e.g. "Noise_XX_25519_AESGCM_SHA256"
   * @param {boolean} options.initiator
   * @param {Uint8Array} [options.prologue]
   * @param {KeyPair | null} [options.s] local static key pair
   * @param {KeyPair | null} [options.e] local ephemeral (tests only)
   * @param {BytesLike | null} [options.rs] remote static public key, when known in advance
   * @param {BytesLike | null} [options.re] remote ephemeral public key (pre-message patterns only)
   * @param {BytesLike[]} [options.psks] pre-shared keys in the order the pattern uses them
   * @param {() => Promise<KeyPair>} [options.ephemeralFactory] GENERATE_KEYPAIR for ephemerals
   * @returns {Promise<HandshakeState>}
   */
  static async initialize({
    protocolName, initiator, prologue = EMPTY, s = null, e = null, rs = null, re = null,
    psks = [], ephemeralFactory = generateKeyPair,
  }) {
    const state = new HandshakeState();
    const pattern = parseProtocolName(protocolName);
    if (psks.length !== pattern.pskCount) {
      throw new NoiseError(`${protocolName} needs ${pattern.pskCount} psk(s), got ${psks.length}`);
    }
    for (const psk of psks) if (asBytes(psk).length !== 32) throw new NoiseError('psk must be 32 bytes');
    state.#pattern = pattern;
    state.#initiator = Boolean(initiator);
    state.#s = s;
    state.#e = e;
    state.#rs = rs ? asBytes(rs).slice() : null;
    state.#re = re ? asBytes(re).slice() : null;
    state.#psks = psks.map((p) => asBytes(p));
    state.#ephemeralFactory = ephemeralFactory;
    state.#symmetric = await SymmetricState.initialize(protocolName);
    await state.#symmetric.mixHash(asBytes(prologue));

    // Pre-messages: the initiator's first, then the responder's (spec section 7.3).
    for (const pre of pattern.preMessages) {
      const mine = pre.fromInitiator === state.#initiator;
      for (const token of pre.tokens) {
        let key;
        if (token === 's') key = mine ? s?.publicKey : state.#rs;
        else if (token === 'e') key = mine ? e?.publicKey : state.#re;
        else throw new NoiseError(`token ${token} not allowed in a pre-message`);
        if (!key) throw new NoiseError(`pre-message needs the ${mine ? 'local' : 'remote'} ${token} key`);
        await state.#symmetric.mixHash(key);
        if (token === 'e' && pattern.pskCount > 0) await state.#symmetric.mixKey(key);
      }
    }
    return state;
  }

  get isInitiator() {
    return this.#initiator;
  }

  get isComplete() {
    return this.#ciphers !== null;
  }

  /** True when the next handshake message is ours to write. */
  get isMyTurn() {
    return !this.isComplete && (this.#messageIndex % 2 === 0) === this.#initiator;
  }

  /** The remote static public key once received (or given), else null. */
  get remoteStaticPublicKey() {
    return this.#rs ? this.#rs.slice() : null;
  }

  /** GetHandshakeHash(): h, final once the handshake is complete. */
  getHandshakeHash() {
    return this.#symmetric.getHandshakeHash();
  }

  /**
   * After completion: { send, receive } CipherStates for this side.
   * @returns {{ send: CipherState, receive: CipherState }}
   */
  split() {
    if (!this.#ciphers) throw new NoiseError('handshake not complete');
    const [c1, c2] = this.#ciphers;
    return this.#initiator ? { send: c1, receive: c2 } : { send: c2, receive: c1 };
  }

  /**
   * WriteMessage(payload): returns the handshake message bytes.
   * @param {BytesLike} [payload]
   * @returns {Promise<Bytes>}
   */
  async writeMessage(payload = EMPTY) {
    const tokens = this.#startMessage(true);
    const parts = [];
    for (const token of tokens) {
      switch (token) {
        case 'e':
          if (!this.#e) this.#e = await this.#ephemeralFactory();
          parts.push(this.#e.publicKey);
          await this.#symmetric.mixHash(this.#e.publicKey);
          if (this.#pattern.pskCount > 0) await this.#symmetric.mixKey(this.#e.publicKey);
          break;
        case 's':
          if (!this.#s) throw this.#fail('pattern needs a local static key');
          parts.push(await this.#symmetric.encryptAndHash(this.#s.publicKey));
          break;
        default:
          await this.#mixToken(token);
      }
    }
    parts.push(await this.#symmetric.encryptAndHash(asBytes(payload)));
    const message = concat(...parts);
    if (message.length > MAX_MESSAGE_LENGTH) throw this.#fail('handshake message exceeds 65,535 bytes');
    await this.#finishMessage();
    return message;
  }

  /**
   * ReadMessage(message): returns the payload. Throws NoiseDecryptError on a bad tag.
   * @param {BytesLike} message
   * @returns {Promise<Bytes>}
   */
  async readMessage(message) {
    const bytes = asBytes(message);
    const tokens = this.#startMessage(false);
    if (bytes.length > MAX_MESSAGE_LENGTH) throw this.#fail('handshake message exceeds 65,535 bytes');
    let offset = 0;
    /** @param {number} length */
    const take = (length) => {
      if (offset + length > bytes.length) throw this.#fail('handshake message too short');
      const part = bytes.subarray(offset, offset + length);
      offset += length;
      return part;
    };
    try {
      for (const token of tokens) {
        switch (token) {
          case 'e':
            this.#re = take(DHLEN).slice();
            await this.#symmetric.mixHash(this.#re);
            if (this.#pattern.pskCount > 0) await this.#symmetric.mixKey(this.#re);
            break;
          case 's': {
            const length = this.#symmetric.cipher.hasKey() ? DHLEN + TAG_LENGTH : DHLEN;
            this.#rs = await this.#symmetric.decryptAndHash(take(length));
            break;
          }
          default:
            await this.#mixToken(token);
        }
      }
      const payload = await this.#symmetric.decryptAndHash(bytes.subarray(offset));
      await this.#finishMessage();
      return payload;
    } catch (error) {
      this.#failed = true;
      throw error;
    }
  }

  /** @param {boolean} writing */
  #startMessage(writing) {
    if (this.#failed) throw new NoiseError('handshake already failed');
    if (this.isComplete) throw new NoiseError('handshake already complete');
    if (this.isMyTurn !== writing) {
      throw new NoiseError(writing ? 'not our turn to write' : 'not our turn to read');
    }
    return this.#pattern.messages[this.#messageIndex].tokens;
  }

  async #finishMessage() {
    this.#messageIndex++;
    if (this.#messageIndex === this.#pattern.messages.length) {
      this.#ciphers = await this.#symmetric.split();
    }
  }

  /** @param {string} token */
  async #mixToken(token) {
    const initiator = this.#initiator;
    switch (token) {
      case 'ee':
        return this.#symmetric.mixKey(await dh(this.#need('e'), this.#needRemote('re')));
      case 'es':
        return this.#symmetric.mixKey(initiator
          ? await dh(this.#need('e'), this.#needRemote('rs'))
          : await dh(this.#need('s'), this.#needRemote('re')));
      case 'se':
        return this.#symmetric.mixKey(initiator
          ? await dh(this.#need('s'), this.#needRemote('re'))
          : await dh(this.#need('e'), this.#needRemote('rs')));
      case 'ss':
        return this.#symmetric.mixKey(await dh(this.#need('s'), this.#needRemote('rs')));
      case 'psk':
        return this.#symmetric.mixKeyAndHash(/** @type {Bytes} */ (this.#psks.shift()));
      default:
        throw this.#fail(`unexpected token ${token}`);
    }
  }

  /** @param {'e' | 's'} which */
  #need(which) {
    const key = which === 'e' ? this.#e : this.#s;
    if (!key) throw this.#fail(`missing local ${which} key`);
    return key;
  }

  /** @param {'re' | 'rs'} which */
  #needRemote(which) {
    const key = which === 're' ? this.#re : this.#rs;
    if (!key) throw this.#fail(`missing remote ${which === 're' ? 'e' : 's'} key`);
    return key;
  }

  /** @param {string} message */
  #fail(message) {
    this.#failed = true;
    return new NoiseError(message);
  }
}
