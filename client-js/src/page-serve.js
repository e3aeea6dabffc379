// @ts-check
// The background's part of the page leg: checks every page message against the extension's
// per-origin policy, rate-limits each page, adds the page's origin (from the port's sender,
// never from the page) and forwards to the extension's own BridgekeeperClient.

import { BridgekeeperError, RpcError } from './errors.js';
import { isReservedTopic } from './wire.js';
import { CHANNEL_NAME, DEFAULT_PAGE_MESSAGE_LIMIT, PAGE_ORIGIN_PARAM, PAGE_PORT_NAME } from './page-wire.js';

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

/**
 * May a page with these policy methods use channel `name` at all (some method of it listed)?
 * @param {string[] | undefined} list
 * @param {string} name
 */
function channelListed(list, name) {
  const prefix = `${name}.`;
  if (FORBIDDEN_PREFIXES.includes(prefix)) return false;
  return (list ?? []).some((entry) => entry.startsWith(prefix));
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
 * @param {{ call: Function, on: Function, ready: Function, discover: Function }} client the extension's BridgekeeperClient
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
        case 'channel': {
          // The page's channel version check: only the version of a channel this origin may
          // call is told, never the desktop's whole list.
          const { name } = message;
          if (!id) return refuse('bad_request', 'a channel check needs an id');
          if (typeof name !== 'string' || name.length > 100 || !CHANNEL_NAME.test(name)) return refuse('bad_request', 'name must be a channel name');
          if (!channelListed(policy.methods, name)) return refuse('not_allowed', `${origin} may not use channel ${name}`);
          client.discover().then(
            (/** @type {any} */ answer) => {
              const offered = answer?.channels?.[name];
              post({ type: 'result', id, result: { channel: name, offered: typeof offered === 'string' ? offered : null } });
            },
            (/** @type {unknown} */ error) => post({ type: 'error', id, error: errorShape(error) }));
          return undefined;
        }
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
