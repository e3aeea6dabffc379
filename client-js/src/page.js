// @ts-check
// The page leg (docs/PROTOCOL.md section 10): a web page reaches the desktop through an
// extension that allows its origin. Three pieces, each a few lines of wiring for the user:
//   - PageClient, in the web page: the same call/channel/on API as BridgekeeperClient, over
//     window.postMessage to the extension's content script;
//   - relayPage, in the content script: copies page messages to a runtime port and back;
//   - servePages, in the background: checks every message against the extension's per-origin
//     policy, rate-limits each page, adds the page's origin (taken from the port's sender,
//     never from the page) and forwards to the extension's own BridgekeeperClient.
// This module imports nothing that pulls in the Noise code, so a page bundle stays small.

import { BridgekeeperError, RpcError } from './errors.js';
import { channelProxy, isCompatible, versionMismatch } from './channel.js';
import { Emitter } from './events.js';
import { CHANNEL_NAME, TO_EXTENSION, TO_PAGE } from './page-wire.js';

export { DEFAULT_PAGE_MESSAGE_LIMIT, PAGE_ORIGIN_PARAM, PAGE_PORT_NAME } from './page-wire.js';
export { TokenBucket, originMatches, senderOrigin, servePages } from './page-serve.js';
export { relayPage } from './page-relay.js';

/** @typedef {import('./page-serve.js').PagePolicyEntry} PagePolicyEntry */
/** @typedef {import('./page-serve.js').ServePagesOptions} ServePagesOptions */

/**
 * The web page's client: the same call/channel/on API as BridgekeeperClient in the extension,
 * through the extension's content script. Errors arrive as BridgekeeperError (RpcError for
 * desktop errors) with the same codes, plus not_allowed, rate_limited, bad_request and
 * too_large from the extension's checks.
 */
export class PageClient {
  #win;
  #next = 1;
  /** @type {Map<string, { resolve: (v: any) => void, reject: (e: unknown) => void }>} */
  #pending = new Map();
  #events = new Emitter(() => {});
  /** The extension's last refusal that named no call (origin not allowed). @type {Error | null} */
  #refusal = null;
  /** What the page asked before the content script answered the hello; null once it has. @type {any[] | null} */
  #queue = [];
  /** @type {Map<string, number>} */
  #topicCounts = new Map();
  /** Channel versions the extension reported on this connection. @type {Map<string, Promise<any>>} */
  #channels = new Map();

  /** @param {{ window?: any }} [options] */
  constructor(options = {}) {
    this.#win = options.window ?? /** @type {any} */ (globalThis).window;
    this.#win.addEventListener('message', (/** @type {any} */ event) => {
      if (event.source !== this.#win || !event.data || typeof event.data !== 'object' || !(TO_PAGE in event.data)) return;
      this.#receive(event.data[TO_PAGE]);
    });
    // The content script may start after the page's script: nothing is sent until it says hello.
    this.#post({ type: 'page-hello' });
  }

  /** @param {any} message */
  #receive(message) {
    if (message?.type === 'event' && typeof message.topic === 'string') {
      this.#events.emit(message.topic, message.payload, message.topic);
      this.#events.emit('*', { topic: message.topic, payload: message.payload });
      return;
    }
    if (message?.type === 'relay-ready') {
      if (this.#queue === null) return;
      const queued = this.#queue;
      this.#queue = null;
      for (const request of queued) this.#post(request);
      return;
    }
    if (message?.type === 'disconnected') {
      // Calls in flight end: with the extension's refusal when it gave one, else `closed`.
      const error = this.#refusal ?? new BridgekeeperError('closed', 'the extension closed the connection');
      // The next connection may reach another desktop (or a newer one): ask again.
      this.#channels.clear();
      this.#refusal = null;
      const pending = [...this.#pending.values()];
      this.#pending.clear();
      for (const { reject } of pending) reject(error);
      return;
    }
    const pending = typeof message?.id === 'string' ? this.#pending.get(message.id) : undefined;
    if (message?.type === 'error' && !pending) {
      const error = PageClient.#toError(message.error);
      if (message.id === null) this.#refusal = error;
      this.#events.emit('error', error);
      return;
    }
    if (!pending) return;
    this.#pending.delete(message.id);
    if (message.type === 'result') pending.resolve(message.result);
    else pending.reject(PageClient.#toError(message.error));
  }

  /** @param {any} shape */
  static #toError(shape) {
    const code = typeof shape?.code === 'string' ? shape.code : 'internal_error';
    const text = typeof shape?.message === 'string' ? shape.message : code;
    if (typeof shape?.rpcCode === 'number') return new RpcError(shape.rpcCode, text, { data: shape.data });
    return new BridgekeeperError(code, text);
  }

  /** @param {any} message */
  #send(message) {
    if (this.#queue) this.#queue.push(message);
    else this.#post(message);
  }

  /** @param {any} message */
  #post(message) {
    this.#win.postMessage({ [TO_EXTENSION]: message }, this.#win.location?.origin ?? '*');
  }

  /**
   * @param {any} message
   * @param {{ signal?: AbortSignal }} [options]
   */
  #request(message, { signal } = {}) {
    if (signal?.aborted) return Promise.reject(signal.reason);
    const id = String(this.#next++);
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        if (!this.#pending.delete(id)) return;
        this.#send({ type: 'cancel', id });
        reject(signal?.reason);
      };
      const request = { ...message, id };
      this.#pending.set(id, {
        resolve: (v) => { signal?.removeEventListener('abort', onAbort); resolve(v); },
        reject: (e) => { signal?.removeEventListener('abort', onAbort); reject(e); },
      });
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#send(request);
    });
  }

  /**
   * Resolves once the extension's session with the desktop is ready: {desktop, origin}.
   * @param {{ signal?: AbortSignal }} [options]
   * @returns {Promise<{ desktop: unknown, origin: string }>}
   */
  ready(options) {
    return this.#request({ type: 'ready' }, options);
  }

  /**
   * Calls a desktop method the extension allows this page. Abort sends a cancel.
   * @param {string} method
   * @param {Record<string, unknown> | null} [params]
   * @param {import('./types.js').CallOptions} [options]
   * @returns {Promise<any>}
   */
  call(method, params = null, options = {}) {
    const { signal, timeoutMs } = options;
    return this.#request({ type: 'call', method, params, ...(timeoutMs !== undefined ? { timeoutMs } : {}) }, { signal });
  }

  /**
   * A channel proxy: `channel('biometric', '1.0.0').status()` calls `biometric.status`. Before
   * the first call it asks the extension which version of the channel the desktop offers (the
   * extension tells only channels this origin may call): a different major version, an older
   * one, or none fails the call with a local RpcError `version_mismatch` (data: channel,
   * required, offered) and sends nothing to the desktop.
   * @param {string} name
   * @param {string} version the version this page was written for, e.g. "1.0.0"
   * @returns {any}
   */
  channel(name, version) {
    if (typeof name !== 'string' || !CHANNEL_NAME.test(name)) throw new TypeError('channel name must be a plain name such as "biometric"');
    if (!isCompatible(version, version)) throw new TypeError('channel version must look like "1.0.0"');
    return channelProxy(name, version, async (method, params, options) => {
      const { offered } = await this.#offered(name, options);
      if (!isCompatible(version, offered)) {
        throw versionMismatch(`the desktop offers ${name} ${offered ?? '(not at all)'}; this page needs ${version}`, name, version, offered);
      }
      return this.call(method, params, options);
    });
  }

  /**
   * The desktop's version of a channel, asked once per connection to the extension.
   * @param {string} name
   * @param {{ signal?: AbortSignal }} options
   * @returns {Promise<{ offered: string | null }>}
   */
  #offered(name, { signal } = {}) {
    let answer = this.#channels.get(name);
    if (!answer) {
      answer = this.#request({ type: 'channel', name }, { signal });
      this.#channels.set(name, answer);
      // A failed or aborted check is not kept: the next call asks again.
      const asked = answer;
      asked.catch(() => {
        if (this.#channels.get(name) === asked) this.#channels.delete(name);
      });
    }
    return answer;
  }

  /**
   * Listens to a desktop topic the extension allows this page ('error' for refusals without
   * a call, '*' for every event). Returns an unsubscribe function.
   * @param {string} name
   * @param {(...args: any[]) => void} fn
   * @returns {() => void}
   */
  on(name, fn) {
    this.#events.on(name, fn);
    if (name !== 'error' && name !== '*') {
      const count = (this.#topicCounts.get(name) ?? 0) + 1;
      this.#topicCounts.set(name, count);
      if (count === 1) this.#send({ type: 'subscribe', topic: name });
    }
    return () => this.off(name, fn);
  }

  /**
   * @param {string} name
   * @param {(...args: any[]) => void} fn
   */
  off(name, fn) {
    this.#events.off(name, fn);
    const count = this.#topicCounts.get(name);
    if (count === undefined) return;
    if (count > 1) this.#topicCounts.set(name, count - 1);
    else {
      this.#topicCounts.delete(name);
      this.#send({ type: 'unsubscribe', topic: name });
    }
  }
}
