// @ts-check
// The few browser-specific pieces, kept apart so client.js runs anywhere (Node tests too).

import { NATIVE_HOST_NAME } from './protocol.js';

/**
 * The parts of the WebExtension API object the client uses.
 * @typedef {object} ExtensionApi
 * @property {{ id: string, getURL(path: string): string, connectNative(application: string): import('./types.js').Port }} runtime
 */

/**
 * The WebExtension API object: `browser` in Firefox, `chrome` in the Chromium family.
 * @param {any} [scope]
 * @returns {ExtensionApi}
 */
export function extensionApi(scope = globalThis) {
  const api = scope.browser?.runtime ? scope.browser : scope.chrome;
  if (!api?.runtime) throw new Error('not running inside a browser extension');
  return api;
}

/**
 * Which browser family launched us, judged by the extension's own URL scheme (the same
 * scheme the native host sees), so Chromium forks and Firefox forks need no special cases.
 * @param {ExtensionApi} [api]
 * @returns {'chromium' | 'firefox'}
 */
export function browserFamily(api = extensionApi()) {
  return api.runtime.getURL('').startsWith('moz-extension:') ? 'firefox' : 'chromium';
}

/**
 * The caller id the host will report (docs/PROTOCOL.md section 2), which goes into the Noise
 * prologue: Chromium "chrome-extension://<id>/", Firefox "moz-extension:<add-on id>".
 * @param {ExtensionApi} [api]
 * @returns {string}
 */
export function detectCallerId(api = extensionApi()) {
  return browserFamily(api) === 'firefox'
    ? `moz-extension:${api.runtime.id}`
    : api.runtime.getURL('');
}

/**
 * A port factory for BridgekeeperClient that opens the native messaging host.
 * @param {ExtensionApi} [api]
 * @param {string} [hostName]
 * @returns {() => import('./types.js').Port}
 */
export function nativePortFactory(api = extensionApi(), hostName = NATIVE_HOST_NAME) {
  return () => api.runtime.connectNative(hostName);
}
