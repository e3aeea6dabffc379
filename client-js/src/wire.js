// @ts-check
// Pure functions of the Bridgekeeper wire protocol (docs/PROTOCOL.md): prologue, handshake
// payloads, pairing commitment and code, envelope and IPC message checks. Shared by the client
// and by anything that needs to reproduce it (tests, a desktop simulator). The names and
// numbers they use come from protocol.js.

import { asBytes, concat, fromUtf8, utf8 } from './bytes.js';
import { sha256 } from './noise.js';
import {
  PAIRING_CODE_LABEL, PAIRING_COMMIT_LABEL, PROLOGUE_PREFIX, PROTOCOL_VERSION, RESERVED_TOPICS,
  RESERVED_TOPIC_PREFIXES, STATUS_STATES,
} from './protocol.js';

/** @typedef {import('./types.js').Envelope} Envelope */
/** @typedef {import('./types.js').PeerHello} PeerHello */

/** @type {ReadonlySet<string>} */
const RESERVED = new Set(RESERVED_TOPICS);

/**
 * Topics the IPC layer owns; everything else is an event (section 6).
 * @param {string} topic
 * @returns {boolean}
 */
export function isReservedTopic(topic) {
  return RESERVED.has(topic) || RESERVED_TOPIC_PREFIXES.some((prefix) => topic.startsWith(prefix));
}

/**
 * @param {unknown} value
 * @returns {value is Record<string, any>}
 */
export function isPlainObject(value) {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * The Noise prologue: "bridgekeeper/1 " followed by the caller id, as ASCII/UTF-8 bytes.
 * @param {string} callerId
 * @returns {Uint8Array}
 */
export function prologue(callerId) {
  if (typeof callerId !== 'string' || callerId.length === 0) throw new TypeError('caller id required');
  return utf8(PROLOGUE_PREFIX + callerId);
}

/**
 * Handshake payload of steps 2 and 3: {"name", "version", "protocol": 1} as UTF-8 JSON.
 * @param {{ name: string, version: string }} identity
 * @returns {Uint8Array}
 */
export function handshakePayload({ name, version }) {
  return utf8(JSON.stringify({ name, version, protocol: PROTOCOL_VERSION }));
}

/**
 * Parses and checks the peer's handshake payload. Throws a TypeError saying what is wrong;
 * a payload from another protocol version is refused here.
 * @param {Uint8Array | ArrayBuffer} bytes
 * @returns {PeerHello}
 */
export function parseHandshakePayload(bytes) {
  let value;
  try {
    value = JSON.parse(fromUtf8(asBytes(bytes)));
  } catch {
    throw new TypeError('handshake payload is not UTF-8 JSON');
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new TypeError('handshake payload is not a JSON object');
  }
  if (typeof value.name !== 'string' || typeof value.version !== 'string') {
    throw new TypeError('handshake payload needs string name and version');
  }
  if (value.protocol !== PROTOCOL_VERSION) {
    throw new TypeError(`peer speaks protocol ${JSON.stringify(value.protocol)}, this side speaks ${PROTOCOL_VERSION}`);
  }
  return { name: value.name, version: value.version, protocol: value.protocol };
}

/**
 * SHA-256("bridgekeeper pairing commit" || Nd): the desktop's commitment (section 5 step 1).
 * @param {Uint8Array} desktopNonce
 * @returns {Promise<Uint8Array>}
 */
export function pairingCommitment(desktopNonce) {
  return sha256(utf8(PAIRING_COMMIT_LABEL), asBytes(desktopNonce));
}

/**
 * The six-digit pairing code (section 5 step 4) as a zero-padded string, e.g. "042917":
 * uint32_be(SHA-256("bridgekeeper pairing code" || h || Ne || Nd)[0..4]) mod 1,000,000.
 * @param {Uint8Array} handshakeHash
 * @param {Uint8Array} extensionNonce
 * @param {Uint8Array} desktopNonce
 * @returns {Promise<string>}
 */
export async function pairingCode(handshakeHash, extensionNonce, desktopNonce) {
  const digest = await sha256(utf8(PAIRING_CODE_LABEL), concat(asBytes(handshakeHash), asBytes(extensionNonce), asBytes(desktopNonce)));
  const value = new DataView(digest.buffer).getUint32(0, false) % 1_000_000;
  return String(value).padStart(6, '0');
}

/**
 * "042917" -> "042 917", the form shown to people on both sides.
 * @param {string} code
 * @returns {string}
 */
export function formatPairingCode(code) {
  return `${code.slice(0, 3)} ${code.slice(3)}`;
}

/**
 * Checks an envelope received from the port (section 2). Returns it unchanged when valid,
 * else throws TypeError with the reason. Unknown extra fields are ignored, as the protocol says.
 * @param {unknown} envelope
 * @returns {Envelope}
 */
export function validateEnvelope(envelope) {
  if (!isPlainObject(envelope)) throw new TypeError('envelope is not a JSON object');
  switch (envelope.type) {
    case 'status':
      if (!STATUS_STATES.includes(envelope.state)) {
        throw new TypeError('status.state must be connected or desktop_unavailable');
      }
      if (envelope.detail !== undefined && typeof envelope.detail !== 'string') throw new TypeError('status.detail must be a string');
      if (envelope.desktop !== undefined && !isPlainObject(envelope.desktop)) throw new TypeError('status.desktop must be an object');
      return /** @type {Envelope} */ (envelope);
    case 'handshake':
      if (![1, 2, 3].includes(envelope.step)) throw new TypeError('handshake.step must be 1, 2 or 3');
      if (typeof envelope.data !== 'string') throw new TypeError('handshake.data must be base64');
      return /** @type {Envelope} */ (envelope);
    case 'secure':
      if (typeof envelope.data !== 'string') throw new TypeError('secure.data must be base64');
      if (envelope.more !== undefined && typeof envelope.more !== 'boolean') throw new TypeError('secure.more must be a boolean');
      return /** @type {Envelope} */ (envelope);
    case 'error':
      if (typeof envelope.code !== 'string') throw new TypeError('error.code must be a string');
      if (envelope.message !== undefined && typeof envelope.message !== 'string') throw new TypeError('error.message must be a string');
      return /** @type {Envelope} */ (envelope);
    default:
      throw new TypeError(`unexpected envelope type ${JSON.stringify(envelope.type)}`);
  }
}

/**
 * Parses a reassembled IPC message `{"topic", "payload"}`; throws TypeError when malformed.
 * @param {Uint8Array} bytes
 * @returns {{ topic: string, payload: unknown }}
 */
export function parseIpcMessage(bytes) {
  let value;
  try {
    value = JSON.parse(fromUtf8(bytes));
  } catch {
    throw new TypeError('IPC message is not UTF-8 JSON');
  }
  if (!isPlainObject(value) || typeof value.topic !== 'string' || value.topic.length === 0) {
    throw new TypeError('IPC message needs a non-empty string topic');
  }
  return { topic: value.topic, payload: value.payload === undefined ? null : value.payload };
}
