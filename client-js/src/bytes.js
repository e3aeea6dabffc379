// @ts-check
// Byte helpers shared by the library: UTF-8, strict base64 (RFC 4648, standard alphabet,
// padded), hex, concatenation and constant-time comparison. Uses only what browsers,
// MV3 service workers and Node 20 all provide (TextEncoder, btoa/atob, crypto).

const encoder = new TextEncoder();
const strictDecoder = new TextDecoder('utf-8', { fatal: true });

/**
 * UTF-8 bytes of a string.
 * @param {string} text
 * @returns {Uint8Array<ArrayBuffer>}
 */
export function utf8(text) {
  return encoder.encode(text);
}

/**
 * Decodes UTF-8, throwing TypeError on invalid sequences instead of replacing them.
 * @param {Uint8Array} bytes
 * @returns {string}
 */
export function fromUtf8(bytes) {
  return strictDecoder.decode(bytes);
}

/**
 * Concatenates byte arrays into a new Uint8Array.
 * @param {...Uint8Array} parts
 * @returns {Uint8Array<ArrayBuffer>}
 */
export function concat(...parts) {
  let length = 0;
  for (const part of parts) length += part.length;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/**
 * Views an ArrayBuffer, typed array or DataView as a Uint8Array (no copy).
 * @param {ArrayBuffer | ArrayBufferView} data
 * @returns {Uint8Array<ArrayBuffer>}
 */
export function asBytes(data) {
  if (data instanceof Uint8Array) return /** @type {Uint8Array<ArrayBuffer>} */ (data);
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (ArrayBuffer.isView(data)) return new Uint8Array(/** @type {ArrayBuffer} */ (data.buffer), data.byteOffset, data.byteLength);
  throw new TypeError('expected bytes (Uint8Array or ArrayBuffer)');
}

// Chunked so that large inputs do not exceed the engine's argument-count limit.
const BASE64_CHUNK = 0x8000;

/**
 * Standard base64 with padding.
 * @param {ArrayBuffer | ArrayBufferView} data
 * @returns {string}
 */
export function toBase64(data) {
  const bytes = asBytes(data);
  let binary = '';
  for (let i = 0; i < bytes.length; i += BASE64_CHUNK) {
    binary += String.fromCharCode.apply(null, /** @type {any} */ (bytes.subarray(i, i + BASE64_CHUNK)));
  }
  return btoa(binary);
}

const BASE64_PATTERN = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * Decodes standard padded base64. atob alone accepts whitespace and missing padding,
 * so the text is checked against the exact grammar first.
 * @param {string} text
 * @returns {Uint8Array<ArrayBuffer>}
 */
export function fromBase64(text) {
  if (typeof text !== 'string' || !BASE64_PATTERN.test(text)) {
    throw new TypeError('not standard padded base64');
  }
  const binary = atob(text);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

/**
 * Lower-case hex.
 * @param {ArrayBuffer | ArrayBufferView} bytes
 * @returns {string}
 */
export function toHex(bytes) {
  let out = '';
  for (const b of asBytes(bytes)) out += b.toString(16).padStart(2, '0');
  return out;
}

/**
 * Parses hex (even length, 0-9a-fA-F).
 * @param {string} text
 * @returns {Uint8Array<ArrayBuffer>}
 */
export function fromHex(text) {
  if (typeof text !== 'string' || text.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(text)) {
    throw new TypeError('not hex');
  }
  const out = new Uint8Array(text.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(text.substr(i * 2, 2), 16);
  return out;
}

/**
 * Compares two byte arrays in time that depends only on their lengths, so a MAC or a
 * commitment check does not reveal how many leading bytes matched.
 * @param {ArrayBuffer | ArrayBufferView} left
 * @param {ArrayBuffer | ArrayBufferView} right
 * @returns {boolean}
 */
export function constantTimeEqual(left, right) {
  const a = asBytes(left);
  const b = asBytes(right);
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i] ^ b[i];
  return diff === 0;
}

/**
 * Cryptographically random bytes from the platform's CSPRNG.
 * @param {number} length
 * @returns {Uint8Array<ArrayBuffer>}
 */
export function randomBytes(length) {
  const out = new Uint8Array(length);
  // getRandomValues fills at most 65,536 bytes per call.
  for (let i = 0; i < length; i += 65536) {
    crypto.getRandomValues(out.subarray(i, Math.min(length, i + 65536)));
  }
  return out;
}

/**
 * Overwrites a secret buffer with zeros (best effort; JS may hold other copies).
 * @param {ArrayBuffer | ArrayBufferView | null | undefined} bytes
 */
export function wipe(bytes) {
  if (bytes) asBytes(bytes).fill(0);
}
