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
import { channelProxy } from './channel.js';
import { Emitter } from './events.js';
import { isReservedTopic } from './wire.js';

/** Marks the page's messages on the window, and the runtime port's name. */
export const PAGE_PORT_NAME = 'bridgekeeper.page';
const TO_EXTENSION = 'bridgekeeper:page';
const TO_PAGE = 'bridgekeeper:extension';
/** The params key the background puts the page's origin under; a page may not send it. */
export const PAGE_ORIGIN_PARAM = '$page';
/** Largest page message the background accepts, as JSON characters. */
export const DEFAULT_PAGE_MESSAGE_LIMIT = 64 * 1024;

/**
 * @typedef {object} PagePolicyEntry
 * @property {string} origin an exact origin ("https://app.example") or a pattern with a `*`
 *   port ("http://127.0.0.1:*")
 * @property {string[]} [methods] desktop methods this origin may call (exact names, or
 *   "channel.*"); default none
 * @property {string[]} [topics] desktop event topics this origin may receive; default none
 * @property {number} [ratePerSecond] token refill per second (default 5)
 * @property {number} [burst] bucket size (default 20)
 */

/**
 * @typedef {object} ServePagesOptions
 * @property {PagePolicyEntry[]} allow the origins allowed to connect; nothing else may
 * @property {any} [api] the WebExtension API object (default: chrome/browser)
 * @property {number} [maxMessageChars] default DEFAULT_PAGE_MESSAGE_LIMIT
 * @property {() => number} [now] milliseconds clock, for the rate limit
 */

// Never reachable from a page, whatever the policy says: the IPC layer's own methods, pairing,
// session and admin.
const FORBIDDEN_PREFIXES = ['ipc.', 'rpc.', 'session.', 'pairing.', 'admin.', 'agent.'];
// The extension client's own notifications (its state, pairing code) are not a page's business.
const CLIENT_NOTIFICATIONS = new Set(['state', 'pairing-code', 'ready', 'error', '*']);

/**
 * Does `origin` match a policy origin (exact, or "scheme://host:*" for any port)?
 * @param {string} pattern
 * @param {string} origin
 */
export function originMatches(pattern, origin) {
  if (pattern === origin) return true;
  if (!pattern.endsWith(':*')) return false;
  const base = pattern.slice(0, -2);
  if (origin === base) return true; // default port
  return origin.startsWith(`${base}:`) && /^\d{1,5}$/.test(origin.slice(base.length + 1));
}

/**
 * @param {string[] | undefined} list
 * @param {string} name
 */
function listed(list, name) {
  if (FORBIDDEN_PREFIXES.some((prefix) => name.startsWith(prefix)) || isReservedTopic(name) || CLIENT_NOTIFICATIONS.has(name)) return false;
  return (list ?? []).some((entry) => entry === name || (entry.endsWith('.*') && name.startsWith(entry.slice(0, -1))));
}

/** A token bucket: `take()` is false when the page is over its rate. */
export class TokenBucket {
  #tokens;
  #last;
  /**
   * @param {number} ratePerSecond
   * @param {number} burst
   * @param {() => number} now
   */
  constructor(ratePerSecond, burst, now) {
    this.rate = ratePerSecond;
    this.burst = burst;
    this.now = now;
    this.#tokens = burst;
    this.#last = now();
  }

  take() {
    const t = this.now();
    this.#tokens = Math.min(this.burst, this.#tokens + ((t - this.#last) / 1000) * this.rate);
    this.#last = t;
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }
}

/**
 * The page's origin as the browser reports it for the content script's port.
 * @param {any} sender runtime.MessageSender
 * @returns {string | null}
 */
export function senderOrigin(sender) {
  if (typeof sender?.origin === 'string' && sender.origin !== 'null') return sender.origin;
  try {
    const origin = new URL(sender?.url).origin;
    return origin === 'null' ? null : origin;
  } catch {
    return null;
  }
}

/**
 * An error as the page sees it: a plain object that survives structured clone.
 * @param {unknown} error
 */
function errorShape(error) {
  if (error instanceof RpcError) {
    return { code: error.code, message: error.message, rpcCode: error.rpcCode, ...(error.data !== undefined ? { data: error.data } : {}) };
  }
  if (error instanceof BridgekeeperError) return { code: error.code, message: error.message };
  if (error instanceof Error && (error.name === 'AbortError' || error.name === 'TimeoutError')) return { code: 'cancelled', message: 'the call was cancelled' };
  return { code: 'internal_error', message: 'the extension could not complete the call' };
}

/**
 * Serves web pages from the background: accepts content-script ports named PAGE_PORT_NAME and
 * forwards what the policy allows to `client`. Returns a function that stops serving.
 * @param {{ call: Function, on: Function, ready: Function }} client the extension's BridgekeeperClient
 * @param {ServePagesOptions} options
 * @returns {() => void}
 */
export function servePages(client, options) {
  const { allow, maxMessageChars = DEFAULT_PAGE_MESSAGE_LIMIT, now = () => Date.now() } = options;
  if (!Array.isArray(allow)) throw new TypeError('allow must be a list of origin policies');
  const api = options.api ?? (/** @type {any} */ (globalThis).browser?.runtime ? /** @type {any} */ (globalThis).browser : /** @type {any} */ (globalThis).chrome);
  /** @type {Set<() => void>} */
  const closers = new Set();

  /** @param {any} port */
  const onConnect = (port) => {
    if (port?.name !== PAGE_PORT_NAME) return;
    const origin = senderOrigin(port.sender);
    const policy = origin === null ? undefined : allow.find((entry) => originMatches(entry.origin, origin));
    /** @param {any} message */
    const post = (message) => {
      try {
        port.postMessage(message);
      } catch {
        // the page went away; nothing to tell it
      }
    };
    if (!policy || origin === null) {
      post({ type: 'error', id: null, error: { code: 'not_allowed', message: `origin ${origin} may not use this extension` } });
      port.disconnect();
      return;
    }
    const bucket = new TokenBucket(policy.ratePerSecond ?? 5, policy.burst ?? 20, now);
    /** @type {Map<string, AbortController>} */
    const calls = new Map();
    /** @type {Map<string, () => void>} */
    const subscriptions = new Map();
    const close = () => {
      for (const controller of calls.values()) controller.abort(new DOMException('page closed', 'AbortError'));
      calls.clear();
      for (const off of subscriptions.values()) off();
      subscriptions.clear();
      closers.delete(close);
    };
    closers.add(close);
    port.onDisconnect.addListener(close);

    /** @param {any} message */
    port.onMessage.addListener((/** @type {any} */ message) => {
      const id = typeof message?.id === 'string' && message.id.length <= 128 ? message.id : null;
      /** @param {string} code @param {string} text */
      const refuse = (code, text) => post({ type: 'error', id, error: { code, message: text } });
      let size;
      try {
        size = JSON.stringify(message)?.length ?? 0;
      } catch {
        return refuse('bad_request', 'the message is not JSON');
      }
      if (size > maxMessageChars) return refuse('too_large', `messages are limited to ${maxMessageChars} characters`);
      if (message === null || typeof message !== 'object' || Array.isArray(message)) return refuse('bad_request', 'a message must be an object');
      if (message.type === 'cancel') {
        if (id) calls.get(id)?.abort(new DOMException('cancelled by the page', 'AbortError'));
        return undefined;
      }
      if (!bucket.take()) return refuse('rate_limited', 'too many requests from this page; slow down');
      switch (message.type) {
        case 'ready':
          if (!id) return refuse('bad_request', 'ready needs an id');
          client.ready().then(
            (/** @type {any} */ snapshot) => post({ type: 'result', id, result: { desktop: snapshot.desktop ?? null, origin } }),
            (/** @type {unknown} */ error) => post({ type: 'error', id, error: errorShape(error) }));
          return undefined;
        case 'call': {
          const { method, params = null, timeoutMs } = message;
          if (!id) return refuse('bad_request', 'a call needs an id');
          // A repeated id still in progress is dropped unanswered (PROTOCOL.md 6.5, rule 7): the
          // page resends what it posted before the relay was listening.
          if (calls.has(id)) return undefined;
          if (typeof method !== 'string' || method.length === 0 || method.length > 200) return refuse('bad_request', 'method must be a name');
          if (params !== null && (typeof params !== 'object' || Array.isArray(params))) return refuse('bad_request', 'params must be an object or null');
          if (params !== null && Object.hasOwn(params, PAGE_ORIGIN_PARAM)) return refuse('bad_request', `params may not set ${PAGE_ORIGIN_PARAM}`);
          if (timeoutMs !== undefined && !(Number.isFinite(timeoutMs) && timeoutMs > 0)) return refuse('bad_request', 'timeoutMs must be a positive number');
          if (!listed(policy.methods, method)) return refuse('not_allowed', `${origin} may not call ${method}`);
          if (calls.size >= 16) return refuse('rate_limited', 'too many calls in progress from this page');
          const controller = new AbortController();
          calls.set(id, controller);
          const forwarded = { ...(params ?? {}), [PAGE_ORIGIN_PARAM]: { origin } };
          client.call(method, forwarded, { signal: controller.signal, ...(timeoutMs !== undefined ? { timeoutMs } : {}) }).then(
            (/** @type {unknown} */ result) => post({ type: 'result', id, result }),
            (/** @type {unknown} */ error) => post({ type: 'error', id, error: errorShape(error) }),
          ).finally(() => calls.delete(id));
          return undefined;
        }
        case 'subscribe':
        case 'unsubscribe': {
          const { topic } = message;
          if (typeof topic !== 'string' || topic.length === 0 || topic.length > 200) return refuse('bad_request', 'topic must be a name');
          if (message.type === 'unsubscribe') {
            subscriptions.get(topic)?.();
            subscriptions.delete(topic);
            return undefined;
          }
          if (!listed(policy.topics, topic)) return refuse('not_allowed', `${origin} may not receive ${topic}`);
          if (!subscriptions.has(topic)) {
            subscriptions.set(topic, client.on(topic, (/** @type {unknown} */ payload) => post({ type: 'event', topic, payload })));
          }
          if (id) post({ type: 'result', id, result: null });
          return undefined;
        }
        default:
          return refuse('bad_request', `unknown message type ${JSON.stringify(String(message.type)).slice(0, 40)}`);
      }
    });
  };
  api.runtime.onConnect.addListener(onConnect);
  return () => {
    api.runtime.onConnect.removeListener(onConnect);
    for (const close of [...closers]) close();
  };
}

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
   * A channel proxy: `channel('biometric', '1.0.0').status()` calls `biometric.status`. The
   * version check is the extension's (its own channel() use); here it names the contract.
   * @param {string} name
   * @param {string} version
   * @returns {any}
   */
  channel(name, version) {
    if (typeof name !== 'string' || !/^[A-Za-z0-9_-]+$/.test(name)) throw new TypeError('channel name must be a plain name such as "biometric"');
    return channelProxy(name, version, (method, params, options) => this.call(method, params, options));
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
