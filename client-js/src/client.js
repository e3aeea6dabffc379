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

import { extensionApi, detectCallerId, nativePortFactory } from './browser.js';
import { channelProxy, isCompatible, versionMismatch } from './channel.js';
import { Connection, FAIL_FAST_STATES } from './connection.js';
import { BridgekeeperError, RpcError } from './errors.js';
import { IndexedDbKeyStore } from './keystore.js';
import { DISCOVER_METHOD, NATIVE_HOST_NAME } from './protocol.js';
import { isPlainObject, isReservedTopic } from './wire.js';

/** @typedef {import('./types.js').ClientState} ClientState */
/** @typedef {import('./types.js').Snapshot} Snapshot */
/** @typedef {import('./types.js').CallOptions} CallOptions */
/** @typedef {import('./types.js').RequestHandler} RequestHandler */
/** @typedef {import('./types.js').ClientOptions} ClientOptions */
/** @typedef {import('./types.js').DiscoverResult} DiscoverResult */
/** @typedef {import('./types.js').Session} Session */

// Fail-fast codes while reconnecting: ready() gives up on these as call() does.
const HOST_PROBLEMS = new Set(['host_not_found', 'host_forbidden', 'host_broken']);

/**
 * Fills in what an extension can supply by itself: the native port, the caller id, the
 * manifest's name and version, and an IndexedDB key store. Only touches the browser API for
 * options that were left out.
 * @param {ClientOptions} options
 * @returns {import('./types.js').ConnectionOptions}
 */
function withBrowserDefaults(options) {
  const { hostName = NATIVE_HOST_NAME } = options;
  if (typeof hostName !== 'string' || !hostName) throw new TypeError('hostName must be a non-empty string');
  /** @type {any} */
  let api = null;
  const browser = () => (api ??= extensionApi());
  const manifest = () => browser().runtime.getManifest?.() ?? {};
  return {
    ...options,
    connect: options.connect ?? nativePortFactory(browser(), hostName),
    callerId: options.callerId ?? detectCallerId(browser()),
    name: options.name ?? manifest().name,
    version: options.version ?? manifest().version,
    keyStore: options.keyStore ?? new IndexedDbKeyStore(),
  };
}

/** The client's states, in the order a first connection usually goes through them. */
export const CLIENT_STATES = Object.freeze(/** @type {const} */ ([
  'stopped', 'connecting', 'desktop_unavailable', 'handshaking', 'pairing', 'ready', 'reconnecting', 'failed',
]));

/** Names `on()` uses for the client's own notifications; every other name is a desktop topic. */
export const CLIENT_EVENTS = Object.freeze(/** @type {const} */ (['state', 'pairing-code', 'ready', 'error', '*']));

export class BridgekeeperClient {
  #conn;
  /** ipc.discover of the current session, asked once. @type {{ session: Session, answer: Promise<DiscoverResult> } | null} */
  #discovery = null;

  /**
   * @param {ClientOptions} [options] inside an extension all optional; see ClientOptions
   */
  constructor(options = {}) {
    const resolved = withBrowserDefaults(options);
    const { connect, callerId, name, version, keyStore } = resolved;
    if (typeof connect !== 'function') throw new TypeError('connect must be a port factory function');
    if (typeof callerId !== 'string' || !callerId) throw new TypeError('callerId is required');
    if (typeof name !== 'string' || typeof version !== 'string') throw new TypeError('name and version are required');
    if (!keyStore) throw new TypeError('keyStore is required');
    this.#conn = new Connection(resolved);
  }

  /** Opens the port and keeps the connection up from now on. Idempotent. */
  start() {
    this.#conn.start();
    return this;
  }

  /**
   * A promise for the secure session: resolves with the snapshot once the client is `ready`
   * (at once if it is), after pairing if this is first contact. Rejects with the client's
   * error when waiting cannot help: the client is stopped or `failed`, the desktop app is
   * not running (`desktop_unavailable`), or the native host is missing or broken
   * (`host_not_found`, `host_forbidden`, `host_broken`); with signal.reason when aborted.
   * @param {{ signal?: AbortSignal }} [options]
   * @returns {Promise<Snapshot>}
   */
  ready({ signal } = {}) {
    if (signal?.aborted) return Promise.reject(signal.reason);
    const conn = this.#conn;
    if (!conn.started) return Promise.reject(conn.errorFor('not_ready', 'the client is not started'));
    return new Promise((resolve, reject) => {
      const onAbort = () => finish(() => reject(signal?.reason));
      /** @param {() => void} settle */
      const finish = (settle) => {
        off();
        signal?.removeEventListener('abort', onAbort);
        settle();
      };
      /** @param {Snapshot} snapshot */
      const check = (snapshot) => {
        if (snapshot.state === 'ready') return finish(() => resolve(snapshot));
        const hopeless = FAIL_FAST_STATES.has(snapshot.state)
          || (snapshot.state === 'reconnecting' && HOST_PROBLEMS.has(conn.error?.code ?? ''));
        if (hopeless) finish(() => reject(conn.error ?? conn.errorFor(snapshot.state === 'stopped' ? 'closed' : 'not_ready')));
      };
      const off = conn.events.on('state', check);
      signal?.addEventListener('abort', onAbort, { once: true });
      check(conn.snapshot());
    });
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
    if (!session || session.phase !== 'ready') return Promise.reject(this.#conn.errorFor('not_ready'));
    return this.#conn.sendIpc(session, topic, payload ?? null);
  }

  /**
   * The desktop's `ipc.discover` answer for the current session (protocol, desktop and channel
   * versions); asked once per session and shared. Allowed before pairing finishes.
   * @param {import('./types.js').CallOptions} [options]
   * @returns {Promise<DiscoverResult>}
   */
  discover(options = {}) {
    const session = this.#conn.session;
    if (session && this.#discovery?.session === session) return this.#discovery.answer;
    const answer = this.call(DISCOVER_METHOD, null, options).then((result) => {
      if (!isPlainObject(result) || !isPlainObject(result.channels)) {
        throw new RpcError(-32603, this.#conn.messages.text('rpc_malformed_error'), { local: true });
      }
      return /** @type {DiscoverResult} */ (result);
    });
    if (session) {
      const entry = { session, answer };
      this.#discovery = entry;
      // A failed or aborted discover is not kept: the next call asks again.
      answer.catch(() => {
        if (this.#discovery === entry) this.#discovery = null;
      });
    }
    return answer;
  }

  /**
   * A typed proxy for a desktop channel: `channel('biometric', '1.0.0').status({})` calls
   * `biometric.status`. Before the first call of a session it checks the desktop's version of
   * the channel (ipc.discover): a different major version, an older one, or no such channel
   * fails the call with a local RpcError `version_mismatch` (data: channel, required, offered)
   * and sends nothing. Each method takes (params = {}, { signal, timeoutMs }).
   * @template {string} N
   * @param {N} name channel name, e.g. "biometric"
   * @param {string} version the version this code was written for, e.g. "1.0.0"
   * @returns {import('./types.js').ChannelFor<N>}
   */
  channel(name, version) {
    if (typeof name !== 'string' || !/^[A-Za-z0-9_-]+$/.test(name)) throw new TypeError('channel name must be a plain name such as "biometric"');
    if (!isCompatible(version, version)) throw new TypeError('channel version must look like "1.0.0"');
    return channelProxy(name, version, async (method, params, options) => {
      const { channels } = await this.discover({ signal: options.signal, timeoutMs: options.timeoutMs });
      const offered = channels[name];
      if (!isCompatible(version, offered)) {
        throw versionMismatch(this.#conn.messages.text('version_mismatch'), name, version, offered);
      }
      return this.call(method, params, options);
    });
  }

  /**
   * Words for a person about any error this client produced: the client's own errors carry
   * them already; desktop RPC errors with a known code (locked, user_cancelled, timeout, ...)
   * get the `messages` text for that code; an aborted call says it was cancelled.
   * @param {unknown} error
   * @returns {string}
   */
  explain(error) {
    const messages = this.#conn.messages;
    if (error instanceof RpcError) {
      if (error.local) return error.message;
      return messages.has(error.code) && error.code !== 'rpc_error' ? messages.text(error.code) : error.message;
    }
    if (error instanceof BridgekeeperError) return error.message;
    if (error instanceof Error && (error.name === 'AbortError' || error.name === 'TimeoutError')) return messages.text('cancelled');
    return messages.text('unknown');
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
