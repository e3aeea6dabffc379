// Constants and pure functions of the Bridgekeeper wire protocol (PROTOCOL.md), shared by the
// client and by anything that needs to reproduce it (tests, a desktop simulator).

import { asBytes, concat, fromUtf8, utf8 } from './bytes.js';
import { sha256 } from './noise.js';

export const PROTOCOL_VERSION = 1;
export const NOISE_PROTOCOL_NAME = 'Noise_XX_25519_AESGCM_SHA256';
export const PROLOGUE_PREFIX = 'bridgekeeper/1 ';
/** Name of the native messaging host the sample connects to. */
export const NATIVE_HOST_NAME = 'dev.bridgekeeper.host';
/** Default largest reassembled IPC message accepted (section 4). */
export const DEFAULT_MAX_MESSAGE_BYTES = 64 * 1024 * 1024;
export const HANDSHAKE_TIMEOUT_MS = 10_000;
export const PAIRING_NONCE_LENGTH = 32;

/** Error envelope codes (section 2). */
export const ENVELOPE_ERROR_CODES = Object.freeze([
  'protocol_error', 'frame_too_large', 'not_allowed', 'handshake_failed', 'decrypt_failed',
  'pairing_rejected', 'internal',
]);

/** Topics the IPC layer owns; everything else is an event (section 6). */
export function isReservedTopic(topic) {
  return topic === 'rpc.request' || topic === 'rpc.response' || topic === 'rpc.cancel'
    || topic.startsWith('pairing.') || topic.startsWith('session.');
}

/** The Noise prologue: "bridgekeeper/1 " followed by the caller id, as ASCII/UTF-8 bytes. */
export function prologue(callerId) {
  if (typeof callerId !== 'string' || callerId.length === 0) throw new TypeError('caller id required');
  return utf8(PROLOGUE_PREFIX + callerId);
}

/** Handshake payload of steps 2 and 3: {"name", "version", "protocol": 1} as UTF-8 JSON. */
export function handshakePayload({ name, version }) {
  return utf8(JSON.stringify({ name, version, protocol: PROTOCOL_VERSION }));
}

/**
 * Parses and checks the peer's handshake payload. Throws a TypeError saying what is wrong;
 * a payload from another protocol version is refused here.
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

/** SHA-256("bridgekeeper pairing commit" || Nd): the desktop's commitment (section 5 step 1). */
export function pairingCommitment(desktopNonce) {
  return sha256(utf8('bridgekeeper pairing commit'), asBytes(desktopNonce));
}

/**
 * The six-digit pairing code (section 5 step 4) as a zero-padded string, e.g. "042917":
 * uint32_be(SHA-256("bridgekeeper pairing code" || h || Ne || Nd)[0..4]) mod 1,000,000.
 */
export async function pairingCode(handshakeHash, extensionNonce, desktopNonce) {
  const digest = await sha256(utf8('bridgekeeper pairing code'), concat(asBytes(handshakeHash), asBytes(extensionNonce), asBytes(desktopNonce)));
  const value = new DataView(digest.buffer).getUint32(0, false) % 1_000_000;
  return String(value).padStart(6, '0');
}

/** "042917" -> "042 917", the form shown to people on both sides. */
export function formatPairingCode(code) {
  return `${code.slice(0, 3)} ${code.slice(3)}`;
}

function isPlainObject(value) {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * Checks an envelope received from the port (section 2). Returns it unchanged when valid,
 * else throws TypeError with the reason. Unknown extra fields are ignored, as the protocol says.
 */
export function validateEnvelope(envelope) {
  if (!isPlainObject(envelope)) throw new TypeError('envelope is not a JSON object');
  switch (envelope.type) {
    case 'status':
      if (envelope.state !== 'connected' && envelope.state !== 'desktop_unavailable') {
        throw new TypeError('status.state must be connected or desktop_unavailable');
      }
      if (envelope.detail !== undefined && typeof envelope.detail !== 'string') throw new TypeError('status.detail must be a string');
      if (envelope.desktop !== undefined && !isPlainObject(envelope.desktop)) throw new TypeError('status.desktop must be an object');
      return envelope;
    case 'handshake':
      if (![1, 2, 3].includes(envelope.step)) throw new TypeError('handshake.step must be 1, 2 or 3');
      if (typeof envelope.data !== 'string') throw new TypeError('handshake.data must be base64');
      return envelope;
    case 'secure':
      if (typeof envelope.data !== 'string') throw new TypeError('secure.data must be base64');
      if (envelope.more !== undefined && typeof envelope.more !== 'boolean') throw new TypeError('secure.more must be a boolean');
      return envelope;
    case 'error':
      if (typeof envelope.code !== 'string') throw new TypeError('error.code must be a string');
      if (envelope.message !== undefined && typeof envelope.message !== 'string') throw new TypeError('error.message must be a string');
      return envelope;
    default:
      throw new TypeError(`unexpected envelope type ${JSON.stringify(envelope.type)}`);
  }
}

/** Parses a reassembled IPC message `{"topic", "payload"}`; throws TypeError when malformed. */
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
