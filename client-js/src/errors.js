// Errors the client reports. Every error has a stable machine `code` (for code) and a
// `message` a person can read (for a UI). Technical detail from the other side, if any, is in
// `detail`; it never carries secrets.

/** Base class: `code` is one of the string codes below or an RPC error name. */
export class BridgekeeperError extends Error {
  constructor(code, message, { detail, cause } = {}) {
    super(message, cause ? { cause } : undefined);
    this.name = 'BridgekeeperError';
    this.code = code;
    if (detail !== undefined) this.detail = detail;
  }
}

/** RPC error codes (PROTOCOL.md section 6), by name. */
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

const RPC_ERROR_NAMES = new Map(Object.entries(RPC_ERROR_CODES).map(([name, code]) => [code, name]));

/** The name of a numeric RPC error code, or "rpc_error" for one this version does not know. */
export function rpcErrorName(code) {
  return RPC_ERROR_NAMES.get(code) ?? 'rpc_error';
}

/**
 * An RPC request failed: the desktop answered with an error, or the call timed out locally
 * (`code` "timeout", `local` true). `rpcCode` is the numeric code, `data` the optional data.
 */
export class RpcError extends BridgekeeperError {
  constructor(rpcCode, message, { data, local = false } = {}) {
    super(rpcErrorName(rpcCode), message);
    this.name = 'RpcError';
    this.rpcCode = rpcCode;
    if (data !== undefined) this.data = data;
    this.local = local;
  }
}

/**
 * Readable messages for `error` envelope codes and for the client's own failure codes.
 * Shown to users, so they say what happened and what to do, not how the protocol works.
 */
export const ERROR_MESSAGES = Object.freeze({
  // error envelope codes (PROTOCOL.md section 2)
  protocol_error: 'The desktop app and this extension did not understand each other. Updating both usually fixes this.',
  frame_too_large: 'A message was too large to pass between the browser and the desktop app.',
  not_allowed: 'The desktop app does not allow this browser extension to connect. Allow it in the desktop app\'s settings.',
  handshake_failed: 'Could not set up a secure connection with the desktop app. It will be retried.',
  decrypt_failed: 'A message between the browser and the desktop app was damaged or tampered with, so the connection was closed.',
  pairing_rejected: 'Pairing was not approved on the desktop.',
  internal: 'The desktop app ran into a problem. It will be retried.',
  // the client's own codes
  desktop_unavailable: 'The desktop app isn\'t running. Start it and this will connect by itself.',
  host_not_found: 'The Bridgekeeper helper is not installed for this browser. Run the desktop app\'s installer, then reload the extension.',
  host_forbidden: 'The Bridgekeeper helper is installed but does not list this extension. Re-run the desktop app\'s installer.',
  disconnected: 'The connection to the desktop app was lost. Reconnecting…',
  desktop_identity_changed: 'The desktop app\'s identity has changed since this browser was paired. If you did not reinstall or reset the desktop app, something may be impersonating it.',
  pairing_revoked: 'This browser was unpaired on the desktop. Pair again to reconnect.',
  pairing_failed: 'Pairing failed: the desktop app did not follow the pairing steps correctly.',
  unsupported_browser: 'This browser is too old for Bridgekeeper: it lacks X25519 in Web Crypto. Update the browser.',
  not_ready: 'Not connected to the desktop app yet.',
  closed: 'The connection was closed.',
  too_large: 'The message is too large to send.',
});

/** A BridgekeeperError with the readable message for `code` and optional technical detail. */
export function errorFor(code, detail, cause) {
  return new BridgekeeperError(code, ERROR_MESSAGES[code] ?? `Unexpected error (${code}).`, { detail, cause });
}
