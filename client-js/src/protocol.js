// @ts-check
// The Bridgekeeper wire protocol's vocabulary (docs/PROTOCOL.md), defined once: every other
// module imports its names and numbers from here. This module is data only (no imports, no
// functions) so that a build step can generate it from, or check it against, the desktop
// side's vocabulary.

/** The protocol version carried in handshake payloads (section 3). */
export const PROTOCOL_VERSION = 1;
/** The Noise protocol name (section 3). */
export const NOISE_PROTOCOL_NAME = 'Noise_XX_25519_AESGCM_SHA256';
/** The Noise prologue is this prefix followed by the caller id (section 3). */
export const PROLOGUE_PREFIX = 'bridgekeeper/1 ';
/** Default name of the native messaging host. */
export const NATIVE_HOST_NAME = 'dev.bridgekeeper.host';

/** Largest frame the host writes to the browser (section 1). */
export const MAX_HOST_FRAME_BYTES = 1_048_576;
/** Default largest reassembled IPC message accepted (section 4). */
export const DEFAULT_MAX_MESSAGE_BYTES = 64 * 1024 * 1024;
/** Deadline for the three handshake steps (section 3). */
export const HANDSHAKE_TIMEOUT_MS = 10_000;
/** How long the desktop waits for its user to approve a pairing (section 5). */
export const PAIRING_APPROVAL_TIMEOUT_MS = 120_000;
/** Length of each side's pairing nonce in bytes (section 5). */
export const PAIRING_NONCE_LENGTH = 32;
/** Hash label of the desktop's pairing commitment (section 5 step 1). */
export const PAIRING_COMMIT_LABEL = 'bridgekeeper pairing commit';
/** Hash label of the pairing code (section 5 step 4). */
export const PAIRING_CODE_LABEL = 'bridgekeeper pairing code';

/** Envelope types (section 2). */
export const ENVELOPE_TYPES = Object.freeze(/** @type {const} */ (['hello', 'status', 'handshake', 'secure', 'error']));
/** `status.state` values (section 2). */
export const STATUS_STATES = Object.freeze(/** @type {const} */ (['connected', 'desktop_unavailable']));
/** `error.code` values of error envelopes (section 2). */
export const ENVELOPE_ERROR_CODES = Object.freeze(/** @type {const} */ ([
  'protocol_error', 'frame_too_large', 'not_allowed', 'handshake_failed', 'decrypt_failed',
  'pairing_rejected', 'internal',
]));

/** IPC topics the protocol itself uses (sections 5 and 6). */
export const TOPICS = Object.freeze({
  rpcRequest: 'rpc.request',
  rpcResponse: 'rpc.response',
  rpcCancel: 'rpc.cancel',
  pairingCommit: 'pairing.commit',
  pairingNonce: 'pairing.nonce',
  pairingReveal: 'pairing.reveal',
  pairingComplete: 'pairing.complete',
  pairingRevoked: 'pairing.revoked',
  sessionReady: 'session.ready',
});
/** Reserved topics: these exact names, and every name starting with one of the prefixes (section 6). */
export const RESERVED_TOPICS = Object.freeze(/** @type {const} */ (['rpc.request', 'rpc.response', 'rpc.cancel']));
export const RESERVED_TOPIC_PREFIXES = Object.freeze(/** @type {const} */ (['pairing.', 'session.']));
/** The one method accepted before session.ready (section 6). */
export const DISCOVER_METHOD = 'ipc.discover';

/** RPC error codes by name (section 6). */
export const RPC_ERROR_CODES = Object.freeze({
  parse_error: -32700,
  invalid_request: -32600,
  method_not_found: -32601,
  invalid_params: -32602,
  internal_error: -32603,
  not_paired: -32000,
  locked: -32001,
  user_cancelled: -32002,
  biometrics_unavailable: -32003,
  timeout: -32004,
  rate_limited: -32005,
  version_mismatch: -32006,
  cancelled: -32007,
  too_large: -32008,
});

/** Channels and the versions this client was written against (section 6). */
export const CHANNEL_VERSIONS = Object.freeze({ ipc: '1.0.0', biometric: '1.0.0' });
/** `biometric.status` status values (section 6). */
export const BIOMETRIC_STATUSES = Object.freeze(/** @type {const} */ ([
  'available', 'desktop_locked', 'setup_needed', 'hardware_unavailable', 'platform_unsupported', 'not_enabled',
]));
/** Events the desktop publishes (section 6). */
export const DESKTOP_EVENTS = Object.freeze(/** @type {const} */ (['desktop.locked', 'desktop.unlocked', 'pairing.revoked']));
