// @ts-check
// Typed channel proxies (docs/PROTOCOL.md section 6, "Channels"): client.channel('biometric',
// '1.0.0').status({}) calls `biometric.status` after checking, once per session, that the
// desktop's `ipc.discover` lists the channel with a compatible version: the same major and
// at least the version asked for. Otherwise the call fails with a local RpcError
// `version_mismatch` and nothing is sent.

import { RpcError } from './errors.js';
import { RPC_ERROR_CODES } from './protocol.js';

/** @typedef {import('./types.js').CallOptions} CallOptions */

/**
 * Parses "major.minor.patch" (a pre-release or build suffix is ignored).
 * @param {unknown} version
 * @returns {[number, number, number] | null}
 */
export function parseVersion(version) {
  if (typeof version !== 'string') return null;
  const match = /^(\d+)\.(\d+)\.(\d+)(?:[-+].*)?$/.exec(version);
  return match ? [Number(match[1]), Number(match[2]), Number(match[3])] : null;
}

/**
 * True when a desktop offering `offered` serves a caller written for `required`: same major
 * version, and offered >= required.
 * @param {string} required
 * @param {unknown} offered
 */
export function isCompatible(required, offered) {
  const want = parseVersion(required);
  const have = parseVersion(offered);
  if (!want || !have || want[0] !== have[0]) return false;
  for (let i = 1; i < 3; i++) {
    if (have[i] !== want[i]) return have[i] > want[i];
  }
  return true;
}

/**
 * The error for a channel the desktop does not offer in a usable version.
 * @param {string} message
 * @param {string} channel
 * @param {string} required
 * @param {unknown} offered
 */
export function versionMismatch(message, channel, required, offered) {
  return new RpcError(RPC_ERROR_CODES.version_mismatch, message, {
    local: true,
    data: { channel, required, offered: typeof offered === 'string' ? offered : null },
  });
}

/**
 * Builds the proxy object: every property other than name, version and then is a method.
 * @param {string} name
 * @param {string} version
 * @param {(method: string, params: Record<string, unknown> | null, options: CallOptions) => Promise<unknown>} invoke
 * @returns {any}
 */
export function channelProxy(name, version, invoke) {
  /** @type {Map<string, Function>} */
  const methods = new Map();
  return new Proxy(Object.freeze({ name, version }), {
    get(target, property) {
      if (property === 'name' || property === 'version') return target[property];
      // Not a thenable, and not a method for symbols (inspection, iteration).
      if (typeof property !== 'string' || property === 'then') return undefined;
      let method = methods.get(property);
      if (!method) {
        /**
         * @param {Record<string, unknown> | null} [params]
         * @param {CallOptions} [options]
         */
        method = (params = {}, options = {}) => invoke(`${name}.${property}`, params, options);
        methods.set(property, method);
      }
      return method;
    },
    set() {
      return false;
    },
  });
}
