// @ts-check
// BridgekeeperClient: the extension side of the Bridgekeeper protocol (docs/PROTOCOL.md), meant
// to be reused unchanged by any extension. It owns one native messaging port at a time and
// runs, on top of it: the host's status messages, the Noise XX handshake as initiator, pairing
// (commit / nonce / reveal / code), the pinned desktop identity, RPC in both directions,
// events, and reconnection.
//
// This class is the public face only; the work is done by connection.js (port, states,
// reconnection), handshake.js, pairing.js, rpc.js and events.js.
//
// Everything the browser provides is injected (port factory, caller id, key store), so the
// same code runs in a Chromium service worker, a Firefox background script and Node tests.

import { errorFor } from './errors.js';
import { Connection } from './connection.js';
import { isReservedTopic } from './wire.js';

/** @typedef {import('./types.js').ClientState} ClientState */
/** @typedef {import('./types.js').Snapshot} Snapshot */
/** @typedef {import('./types.js').CallOptions} CallOptions */
/** @typedef {import('./types.js').RequestHandler} RequestHandler */
/** @typedef {import('./connection.js').ConnectionOptions} ClientOptions */

/** The client's states, in the order a first connection usually goes through them. */
export const CLIENT_STATES = Object.freeze(/** @type {const} */ ([
  'stopped', 'connecting', 'desktop_unavailable', 'handshaking', 'pairing', 'ready', 'reconnecting', 'failed',
]));

/** Names `on()` uses for the client's own notifications; every other name is a desktop topic. */
export const CLIENT_EVENTS = Object.freeze(/** @type {const} */ (['state', 'pairing-code', 'ready', 'error', '*']));

export class BridgekeeperClient {
  #conn;

  /**
   * @param {ClientOptions} options
   */
  constructor(options) {
    const { connect, callerId, name, version, keyStore } = options;
    if (typeof connect !== 'function') throw new TypeError('connect must be a port factory function');
    if (typeof callerId !== 'string' || !callerId) throw new TypeError('callerId is required');
    if (typeof name !== 'string' || typeof version !== 'string') throw new TypeError('name and version are required');
    if (!keyStore) throw new TypeError('keyStore is required');
    this.#conn = new Connection(options);
  }

  /** Opens the port and keeps the connection up from now on. Idempotent. */
  start() {
    this.#conn.start();
    return this;
  }

  /** Closes the port, fails pending calls and stops reconnecting. start() or reconnect() resumes. */
  close() {
    this.#conn.close();
  }

  /** Starts over now with a fresh port: after a failure the user acted on, or any time. */
  reconnect() {
    this.#conn.reconnect();
  }

  /**
   * Forgets the pinned desktop key, then reconnects so the next desktop can pair. Only for
   * when the user knows the desktop app was reinstalled or reset ("desktop identity changed").
   * @returns {Promise<void>}
   */
  forgetDesktop() {
    return this.#conn.forgetDesktop();
  }

  /** The current state name (see CLIENT_STATES). @returns {ClientState} */
  get state() {
    return this.#conn.state;
  }

  /**
   * What a UI needs: state, error, desktop, pairing code, whether pairing was approved and
   * whether this browser is paired.
   * @returns {Snapshot}
   */
  snapshot() {
    return this.#conn.snapshot();
  }

  /**
   * Subscribes to a client notification or a desktop event topic; returns an unsubscribe
   * function. Client notifications: 'state' (snapshot), 'pairing-code' ({code, display,
   * desktop}), 'ready' ({desktop, pairedNow}), 'error' (BridgekeeperError), '*' (every desktop
   * event as {topic, payload}). Any other name is a topic: fn(payload, topic).
   * @template {string} K
   * @param {K} name
   * @param {import('./types.js').ListenerFor<K>} fn
   * @returns {() => void}
   */
  on(name, fn) {
    return this.#conn.events.on(name, fn);
  }

  /**
   * Removes a listener added with on().
   * @template {string} K
   * @param {K} name
   * @param {import('./types.js').ListenerFor<K>} fn
   */
  off(name, fn) {
    this.#conn.events.off(name, fn);
  }

  /**
   * Calls a desktop method. Resolves with `result`; rejects with RpcError (desktop error, or
   * code "timeout" when no answer came by the deadline, in which case rpc.cancel is sent),
   * with signal.reason when aborted (rpc.cancel is sent), or with BridgekeeperError when the
   * connection is not there or goes away. Calls made while connecting wait for the session.
   * @param {string} method
   * @param {Record<string, unknown> | null} [params]
   * @param {CallOptions} [options]
   * @returns {Promise<any>}
   */
  call(method, params = null, options = {}) {
    return this.#conn.rpc.call(method, params, options);
  }

  /**
   * Publishes an event to the desktop. Rejects with not_ready unless the session is ready.
   * @param {string} topic
   * @param {unknown} [payload]
   * @returns {Promise<void>}
   */
  publish(topic, payload = null) {
    if (typeof topic !== 'string' || topic.length === 0 || isReservedTopic(topic)) {
      return Promise.reject(new TypeError(`cannot publish to topic ${JSON.stringify(topic)}`));
    }
    const session = this.#conn.session;
    if (!session || session.phase !== 'ready') return Promise.reject(errorFor('not_ready'));
    return this.#conn.sendIpc(session, topic, payload ?? null);
  }

  /**
   * Registers a handler for requests the desktop sends to the extension; returns an unregister
   * function. handler(params, {signal, method, id}) returns the result (or a promise of it) or
   * throws RpcError; any other throw is answered with internal_error. signal aborts when the
   * desktop cancels. Methods without a handler are answered with method_not_found.
   * @param {string} method
   * @param {RequestHandler} handler
   * @returns {() => void}
   */
  handle(method, handler) {
    return this.#conn.rpc.handle(method, handler);
  }
}
