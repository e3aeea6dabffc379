// @ts-check
// The content script's part of the page leg: a window <-> runtime port relay.

import { PAGE_PORT_NAME, TO_EXTENSION, TO_PAGE } from './page-wire.js';

/**
 * The content script's part: copies the page's messages (on its own window, marked) to a
 * runtime port named PAGE_PORT_NAME and the extension's answers back. The page's origin is not
 * in what it forwards: the background reads it from the port. Returns a function that stops.
 * @param {{ api?: any, window?: any }} [options]
 * @returns {() => void}
 */
export function relayPage(options = {}) {
  const g = /** @type {any} */ (globalThis);
  const api = options.api ?? (g.browser?.runtime ? g.browser : g.chrome);
  const win = options.window ?? g.window;
  /** @type {any} */
  let port = null;
  const open = () => {
    port = api.runtime.connect({ name: PAGE_PORT_NAME });
    port.onMessage.addListener((/** @type {unknown} */ message) => win.postMessage({ [TO_PAGE]: message }, win.location?.origin ?? '*'));
    port.onDisconnect.addListener(() => {
      port = null;
      win.postMessage({ [TO_PAGE]: { type: 'disconnected' } }, win.location?.origin ?? '*');
    });
  };
  /** @param {any} event */
  const onMessage = (event) => {
    if (event.source !== win || !event.data || typeof event.data !== 'object' || !(TO_EXTENSION in event.data)) return;
    if (event.data[TO_EXTENSION]?.type === 'page-hello') {
      win.postMessage({ [TO_PAGE]: { type: 'relay-ready' } }, win.location?.origin ?? '*');
      return;
    }
    if (!port) open();
    try {
      port.postMessage(event.data[TO_EXTENSION]);
    } catch {
      port = null;
    }
  };
  win.addEventListener('message', onMessage);
  // A page whose hello came before this listener learns here that the relay is listening.
  win.postMessage({ [TO_PAGE]: { type: 'relay-ready' } }, win.location?.origin ?? '*');
  return () => {
    win.removeEventListener('message', onMessage);
    port?.disconnect();
  };
}
