// @ts-check
// Noise primitives for the 25519 / AESGCM / SHA256 suite on WebCrypto: the suite's constants,
// the error types, X25519 key pairs and DH, SHA-256 and the spec's HKDF (section 4.3).
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

export const EMPTY = new Uint8Array(0);
// 2^64 - 1 is reserved by the spec (used by Rekey); reaching it means the key is worn out.
export const MAX_NONCE = (1n << 64n) - 1n;

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
