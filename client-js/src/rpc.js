// @ts-check
// RPC in both directions (docs/PROTOCOL.md section 6): calls to the desktop with deadlines,
// AbortSignal and rpc.cancel; requests from the desktop answered by registered handlers.

import { BridgekeeperError, RpcError } from './errors.js';
import { DISCOVER_METHOD, RPC_ERROR_CODES, TOPICS } from './protocol.js';
import { isPlainObject } from './wire.js';

/** @typedef {import('./connection.js').Connection} Connection */
/** @typedef {import('./types.js').Session} Session */
/** @typedef {import('./types.js').CallOptions} CallOptions */
/** @typedef {import('./types.js').RequestHandler} RequestHandler */

/**
 * @typedef {object} PendingCall
 * @property {string} id
 * @property {string} method
 * @property {Record<string, unknown> | null} params
 * @property {(result: unknown) => void} resolve
 * @property {(error: unknown) => void} reject
 * @property {Session | null} session the session the request went out on, null while queued
 * @property {AbortSignal | undefined} signal
 * @property {(() => void) | null} onAbort
 * @property {ReturnType<typeof setTimeout> | undefined} timer
 */

const REQUEST_TOPIC = new RegExp(`"topic"\\s*:\\s*"${TOPICS.rpcRequest.replaceAll('.', '\\.')}"`);

// While the host is missing or broken, waiting cannot help: calls fail at once.
const HOST_MISSING_CODES = new Set(['host_not_found', 'host_forbidden', 'host_broken']);

/**
 * Finds the id of an over-limit rpc.request from its first piece, so it can be answered with
 * too_large (section 4). Best effort: it relies on "topic" and the payload's "id" appearing
 * in the first 64 KiB, which is how the desktop writes them.
 * @param {Uint8Array} head
 * @returns {string | null}
 */
export function sniffRequestId(head) {
  const text = new TextDecoder().decode(head);
  if (!REQUEST_TOPIC.test(text)) return null;
  const match = /"id"\s*:\s*"((?:[^"\\]|\\.){1,256})"/.exec(text);
  if (!match) return null;
  try {
    return JSON.parse(`"${match[1]}"`);
  } catch {
    return null;
  }
}

export class Rpc {
  #conn;
  #nextId = 0;
  /** @type {Map<string, PendingCall>} */
  #calls = new Map();
  /** @type {Map<string, RequestHandler>} */
  #handlers = new Map();

  /** @param {Connection} conn */
  constructor(conn) {
    this.#conn = conn;
  }

  /**
   * @param {string} method
   * @param {Record<string, unknown> | null} params
   * @param {CallOptions} options
   * @returns {Promise<any>}
   */
  call(method, params, { timeoutMs = this.#conn.callTimeoutMs, signal } = {}) {
    if (typeof method !== 'string' || method.length === 0) return Promise.reject(new TypeError('method must be a non-empty string'));
    if (params !== null && !isPlainObject(params)) return Promise.reject(new TypeError('params must be an object or null'));
    if (signal?.aborted) return Promise.reject(signal.reason);
    const unavailable = this.#fastFailure();
    if (unavailable) return Promise.reject(unavailable);

    return new Promise((resolve, reject) => {
      /** @type {PendingCall} */
      const call = { id: String(++this.#nextId), method, params, resolve, reject, session: null, signal, onAbort: null, timer: undefined };
      call.timer = setTimeout(() => this.#finish(call, {
        error: new RpcError(RPC_ERROR_CODES.timeout, this.#conn.messages.text('timeout'), { local: true }),
        cancel: true,
      }), timeoutMs);
      if (signal) {
        call.onAbort = () => this.#finish(call, { error: signal.reason, cancel: true });
        signal.addEventListener('abort', call.onAbort, { once: true });
      }
      this.#calls.set(call.id, call);
      const session = this.#conn.session;
      if (session && this.#canSend(session, method)) this.#send(session, call);
    });
  }

  /**
   * @param {string} method
   * @param {RequestHandler} handler
   * @returns {() => void}
   */
  handle(method, handler) {
    if (typeof method !== 'string' || !method || typeof handler !== 'function') throw new TypeError('method and handler required');
    this.#handlers.set(method, handler);
    return () => {
      if (this.#handlers.get(method) === handler) this.#handlers.delete(method);
    };
  }

  /**
   * @param {Session} session
   * @param {string} method
   */
  #canSend(session, method) {
    return session.phase === 'ready' || (session.phase === 'secure' && method === DISCOVER_METHOD);
  }

  /**
   * @param {Session} session
   * @param {PendingCall} call
   */
  #send(session, call) {
    call.session = session;
    this.#conn.sendIpc(session, TOPICS.rpcRequest, { id: call.id, method: call.method, params: call.params })
      .catch((error) => this.#finish(call, {
        error: error instanceof BridgekeeperError || error instanceof TypeError ? error : this.#conn.errorFor('disconnected', error.message),
      }));
  }

  /**
   * Sends the queued calls the session now accepts.
   * @param {Session} session
   */
  flush(session) {
    for (const call of this.#calls.values()) {
      if (!call.session && this.#canSend(session, call.method)) this.#send(session, call);
    }
  }

  /**
   * @param {PendingCall} call
   * @param {{ error?: unknown, result?: unknown, cancel?: boolean }} outcome
   */
  #finish(call, { error = null, result = null, cancel = false }) {
    if (this.#calls.get(call.id) !== call) return;
    this.#calls.delete(call.id);
    clearTimeout(call.timer);
    if (call.onAbort) call.signal?.removeEventListener('abort', call.onAbort);
    if (cancel && call.session && this.#conn.isCurrent(call.session)) {
      this.#conn.sendIpc(call.session, TOPICS.rpcCancel, { id: call.id }).catch(() => {});
    }
    if (error) call.reject(error);
    else call.resolve(result);
  }

  /**
   * Fails every pending call (only those not yet sent when `onlyUnsent`).
   * @param {unknown} error
   * @param {boolean} [onlyUnsent]
   */
  failAll(error, onlyUnsent = false) {
    for (const call of [...this.#calls.values()]) {
      if (!onlyUnsent || !call.session) this.#finish(call, { error });
    }
  }

  /**
   * The session ended: stop serving its requests and fail the calls that went out on it.
   * @param {Session} session
   * @param {unknown} error
   */
  endSession(session, error) {
    for (const entry of session.serving.values()) entry.controller.abort();
    session.serving.clear();
    for (const call of [...this.#calls.values()]) {
      if (call.session === session) this.#finish(call, { error });
    }
  }

  /** The error a new call should fail with right away, or null if it may wait. */
  #fastFailure() {
    const conn = this.#conn;
    if (!conn.started) return this.#conn.errorFor('not_ready', 'the client is not started');
    if (conn.state === 'stopped' || conn.state === 'desktop_unavailable' || conn.state === 'failed') return conn.error ?? this.#conn.errorFor('not_ready');
    if (conn.state === 'reconnecting' && HOST_MISSING_CODES.has(conn.error?.code ?? '')) return conn.error;
    return null;
  }

  /**
   * @param {Session} session
   * @param {any} payload
   */
  onResponse(session, payload) {
    if (!isPlainObject(payload) || typeof payload.id !== 'string') {
      this.#conn.log('warn', 'ignored malformed rpc.response');
      return;
    }
    const call = this.#calls.get(payload.id);
    if (!call || call.session !== session) return; // answered after a timeout or cancel
    if (payload.error !== undefined) {
      const { code, message, data } = isPlainObject(payload.error) ? payload.error : {};
      if (!Number.isInteger(code)) {
        this.#finish(call, { error: new RpcError(RPC_ERROR_CODES.internal_error, this.#conn.messages.text('rpc_malformed_error')) });
        return;
      }
      const text = typeof message === 'string' && message ? message : this.#conn.messages.text('rpc_refused', { rpcCode: code });
      this.#finish(call, { error: new RpcError(code, text, { data }) });
    } else {
      this.#finish(call, { result: payload.result === undefined ? null : payload.result });
    }
  }

  /**
   * @param {Session} session
   * @param {{ id: string, result?: unknown, error?: { code: number, message: string, data?: unknown } }} response
   */
  #respond(session, response) {
    this.#conn.sendIpc(session, TOPICS.rpcResponse, response).catch((error) => {
      this.#conn.log('warn', `could not send rpc.response ${response.id}: ${error.message}`);
    });
  }

  /**
   * @param {Session} session
   * @param {string} id
   * @param {keyof typeof RPC_ERROR_CODES} name
   * @param {string} message
   */
  respondError(session, id, name, message) {
    this.#respond(session, { id, error: { code: RPC_ERROR_CODES[name], message } });
  }

  /**
   * @param {Session} session
   * @param {any} payload
   */
  onRequest(session, payload) {
    if (!isPlainObject(payload) || typeof payload.id !== 'string' || payload.id.length === 0) {
      this.#conn.log('warn', 'ignored rpc.request without an id');
      return;
    }
    const { id, method, params } = payload;
    if (typeof method !== 'string' || method.length === 0) return this.respondError(session, id, 'invalid_request', 'method missing');
    if (session.serving.has(id)) return this.respondError(session, id, 'invalid_request', 'duplicate request id');
    if (params !== undefined && params !== null && !isPlainObject(params)) {
      return this.respondError(session, id, 'invalid_params', 'params must be an object or null');
    }
    if (session.phase !== 'ready' && method !== DISCOVER_METHOD) return this.respondError(session, id, 'not_paired', 'session not ready');
    const handler = this.#handlers.get(method);
    if (!handler) return this.respondError(session, id, 'method_not_found', `no handler for ${method}`);

    const entry = { controller: new AbortController(), done: false };
    session.serving.set(id, entry);
    // Not awaited: handlers run concurrently and a slow one must not hold up the inbox.
    (async () => {
      let response;
      try {
        const result = await handler(params ?? null, { signal: entry.controller.signal, method, id });
        response = { id, result: result === undefined ? null : result };
        JSON.stringify(response); // fail here, not in the channel, if the result is not JSON
      } catch (error) {
        response = error instanceof RpcError
          ? { id, error: { code: error.rpcCode, message: error.message, ...(error.data !== undefined ? { data: error.data } : {}) } }
          : { id, error: { code: RPC_ERROR_CODES.internal_error, message: 'The extension could not handle the request.' } };
      }
      if (entry.done || !this.#conn.isCurrent(session)) return;
      entry.done = true;
      session.serving.delete(id);
      this.#respond(session, response);
    })();
  }

  /**
   * @param {Session} session
   * @param {any} payload
   */
  onCancel(session, payload) {
    const entry = isPlainObject(payload) ? session.serving.get(payload.id) : undefined;
    if (!entry) return;
    entry.done = true;
    session.serving.delete(payload.id);
    entry.controller.abort();
    this.respondError(session, payload.id, 'cancelled', 'cancelled');
  }
}
