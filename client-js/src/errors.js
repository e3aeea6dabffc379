// @ts-check
// Errors the client reports. Every error has a stable machine `code` (for code) and a
// `message` a person can read (for a UI, from messages.js). Technical detail from the other
// side, if any, is in `detail`; it never carries secrets.

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
 * A BridgekeeperError with the readable message for `code` from `messages`, and optional
 * technical detail.
 * @param {import('./messages.js').MessageCatalog} messages
 * @param {string} code
 * @param {string} [detail]
 * @param {unknown} [cause]
 * @returns {BridgekeeperError}
 */
export function errorFor(messages, code, detail, cause) {
  return new BridgekeeperError(code, messages.text(code, detail === undefined ? {} : { detail }), { detail, cause });
}
