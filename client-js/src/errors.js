// @ts-check
// Errors the client reports. Every error has a stable machine `code` (for code) and a
// `message` a person can read (for a UI). Technical detail from the other side, if any, is in
// `detail`; it never carries secrets.

import { RPC_ERROR_CODES } from './protocol.js';

export { RPC_ERROR_CODES };

/** Base class: `code` is one of the string codes below or an RPC error name. */
export class BridgekeeperError extends Error {
  /**
   * @param {string} code
   * @param {string} message
   * @param {{ detail?: string, cause?: unknown }} [options]
   */
  constructor(code, message, { detail, cause } = {}) {
    super(message, cause ? { cause } : undefined);
    this.name = 'BridgekeeperError';
    /** A stable machine-readable code, e.g. "desktop_unavailable" or "locked". */
    this.code = code;
    /** @type {string | undefined} technical detail from the other side, never a secret */
    if (detail !== undefined) this.detail = detail;
  }
}

/** @type {ReadonlyMap<number, string>} */
const RPC_ERROR_NAMES = new Map(Object.entries(RPC_ERROR_CODES).map(([name, code]) => [code, name]));

/**
 * The name of a numeric RPC error code, or "rpc_error" for one this version does not know.
 * @param {number} code
 * @returns {string}
 */
export function rpcErrorName(code) {
  return RPC_ERROR_NAMES.get(code) ?? 'rpc_error';
}

/**
 * An RPC request failed: the desktop answered with an error, or the call timed out locally
 * (`code` "timeout", `local` true). `rpcCode` is the numeric code, `data` the optional data.
 */
export class RpcError extends BridgekeeperError {
  /**
   * @param {number} rpcCode
   * @param {string} message
   * @param {{ data?: unknown, local?: boolean }} [options]
   */
  constructor(rpcCode, message, { data, local = false } = {}) {
    super(rpcErrorName(rpcCode), message);
    this.name = 'RpcError';
    /** The numeric RPC error code. */
    this.rpcCode = rpcCode;
    /** @type {unknown} the error's optional `data` */
    if (data !== undefined) this.data = data;
    /** True when this side made the error (a local timeout), not the desktop. */
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

/**
 * A BridgekeeperError with the readable message for `code` and optional technical detail.
 * @param {string} code
 * @param {string} [detail]
 * @param {unknown} [cause]
 * @returns {BridgekeeperError}
 */
export function errorFor(code, detail, cause) {
  const messages = /** @type {Record<string, string>} */ (ERROR_MESSAGES);
  return new BridgekeeperError(code, messages[code] ?? `Unexpected error (${code}).`, { detail, cause });
}
