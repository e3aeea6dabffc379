// @ts-check
// Noise Protocol Framework (revision 34) for the 25519 / AESGCM / SHA256 suite, on WebCrypto
// only. The objects and their names follow the specification: CipherState, SymmetricState,
// HandshakeState. This module is the public entry point (`@bridgekeeper/client/noise`); the
// code lives along the specification's layers:
//   noise-primitives.js  constants, errors, X25519 keys and DH, SHA-256, HKDF
//   noise-cipher.js      CipherState and SymmetricState
//   noise-handshake.js   the pattern table and HandshakeState
//
// Keys: a key pair is { privateKey: CryptoKey, publicKey: Uint8Array(32) }. The private key
// may be non-extractable; only deriveBits is ever used on it.

export {
  DHLEN, HASHLEN, TAG_LENGTH, MAX_MESSAGE_LENGTH, MAX_PLAINTEXT_LENGTH,
  NoiseDecryptError, NoiseError,
  generateKeyPair, fromCryptoKeyPair, importPrivateKey, dh, sha256, hkdf,
} from './noise-primitives.js';
export { CipherState, SymmetricState } from './noise-cipher.js';
export { HandshakeState, parseProtocolName } from './noise-handshake.js';

/** @typedef {import('./types.js').KeyPair} KeyPair */
/** @typedef {ArrayBuffer | ArrayBufferView} BytesLike */
/** @typedef {Uint8Array<ArrayBuffer>} Bytes */
/** @typedef {import('./noise-handshake.js').MessagePattern} MessagePattern */
/** @typedef {import('./noise-handshake.js').HandshakePattern} HandshakePattern */
