// BridgekeeperClient: the extension side of the Bridgekeeper protocol (PROTOCOL.md), meant to
// be reused unchanged by any extension. It owns one native messaging port at a time and runs,
// on top of it: the host's status messages, the Noise XX handshake as initiator, pairing
// (commit / nonce / reveal / code), the pinned desktop identity, RPC in both directions,
// events, and reconnection.
//
// Everything the browser provides is injected (port factory, caller id, key store), so the
// same code runs in a Chromium service worker, a Firefox background script and Node tests.

import { constantTimeEqual, fromBase64, randomBytes, toBase64, utf8 } from './bytes.js';
import {
  BridgekeeperError, RpcError, RPC_ERROR_CODES, errorFor,
} from './errors.js';
import { HandshakeState, NoiseDecryptError, generateKeyPair } from './noise.js';
import {
  DEFAULT_MAX_MESSAGE_BYTES, ENVELOPE_ERROR_CODES, HANDSHAKE_TIMEOUT_MS, NOISE_PROTOCOL_NAME,
  PAIRING_NONCE_LENGTH, formatPairingCode, handshakePayload, isReservedTopic, pairingCode,
  pairingCommitment, parseHandshakePayload, parseIpcMessage, prologue, validateEnvelope,
} from './protocol.js';
import { SecureChannel } from './secure-channel.js';

/**
 * Client states, in plain words:
 *   stopped              start() not called, or close() called
 *   connecting           port opened, waiting for the host's first status
 *   desktop_unavailable  the host runs but the desktop app does not; waiting for it
 *   handshaking          setting up the encrypted session
 *   pairing              first contact: a pairing code is (or will be) shown on both sides
 *   ready                paired and connected; calls and events flow
 *   reconnecting         the port closed; a new one opens after a back-off delay
 *   failed               a failure that needs the user (see snapshot().error); reconnect() to retry
 */
export const CLIENT_STATES = Object.freeze([
  'stopped', 'connecting', 'desktop_unavailable', 'handshaking', 'pairing', 'ready', 'reconnecting', 'failed',
]);

/** Names `on()` uses for the client's own notifications; every other name is a desktop topic. */
export const CLIENT_EVENTS = Object.freeze(['state', 'pairing-code', 'ready', 'error', '*']);

// In these states a call cannot succeed soon, so new and queued calls fail at once.
const FAIL_FAST_STATES = new Set(['stopped', 'desktop_unavailable', 'failed']);
const HOST_MISSING_CODES = new Set(['host_not_found', 'host_forbidden']);

function isPlainObject(value) {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function decodeNonce(value) {
  try {
    const bytes = fromBase64(value);
    if (bytes.length === PAIRING_NONCE_LENGTH) return bytes;
  } catch {
    // fall through
  }
  return null;
}

/** The browser's reason for a closed native port, as one of our error codes. */
function disconnectError(reason) {
  if (reason && /not found|no such native application|not registered/i.test(reason)) return errorFor('host_not_found', reason);
  if (reason && /forbidden|does not have permission/i.test(reason)) return errorFor('host_forbidden', reason);
  return errorFor('disconnected', reason || 'port closed');
}

/**
 * Finds the id of an over-limit rpc.request from its first piece, so it can be answered with
 * too_large (section 4). Best effort: it relies on "topic" and the payload's "id" appearing
 * in the first 64 KiB, which is how the desktop writes them.
 */
function sniffRequestId(head) {
  const text = new TextDecoder().decode(head);
  if (!/"topic"\s*:\s*"rpc\.request"/.test(text)) return null;
  const match = /"id"\s*:\s*"((?:[^"\\]|\\.){1,256})"/.exec(text);
  if (!match) return null;
  try {
    return JSON.parse(`"${match[1]}"`);
  } catch {
    return null;
  }
}

export class BridgekeeperClient {
  #connect;
  #callerId;
  #identity;
  #keyStore;
  #handshakeTimeoutMs;
  #setupTimeoutMs;
  #callTimeoutMs;
  #maxMessageBytes;
  #reconnectBaseMs;
  #reconnectMaxMs;
  #random;
  #ephemeralFactory;
  #log;

  #started = false;
  #halted = false;
  #port = null;
  #session = null;
  #inbox = Promise.resolve();
  #state = 'stopped';
  #error = null;
  #desktop = null;
  #pairingCode = null;
  #pairingApproved = false;
  #paired = null;
  #reconnectTimer = null;
  #reconnectAttempt = 0;
  #nextRpcId = 0;
  #calls = new Map();
  #handlers = new Map();
  #listeners = new Map();

  /**
   * @param {object} options
   * @param {() => object} options.connect port factory: returns a runtime.Port-like object
   *   ({postMessage, disconnect, onMessage.addListener, onDisconnect.addListener}); in the
   *   browser nativePortFactory() from browser.js
   * @param {string} options.callerId this extension's caller id (detectCallerId() in browser.js)
   * @param {string} options.name extension name sent in the handshake
   * @param {string} options.version extension version sent in the handshake
   * @param {object} options.keyStore see keystore.js
   * @param {number} [options.handshakeTimeoutMs=10000] deadline for handshake steps 1-3
   * @param {number} [options.setupTimeoutMs=150000] deadline from step 3 to session.ready
   *   (covers the desktop's 120 s pairing approval)
   * @param {number} [options.callTimeoutMs=30000] default call() deadline
   * @param {number} [options.maxMessageBytes=64 MiB] largest IPC message accepted or sent
   * @param {number} [options.reconnectBaseMs=500] first reconnect delay, doubled per failure
   * @param {number} [options.reconnectMaxMs=30000] reconnect delay cap
   * @param {(length: number) => Uint8Array} [options.random] random bytes (pairing nonce)
   * @param {() => Promise<object>} [options.ephemeralFactory] Noise ephemeral key pairs
   * @param {(level: string, message: string) => void} [options.log] diagnostics; never given
   *   keys, codes or payloads
   */
  constructor({
    connect, callerId, name, version, keyStore,
    handshakeTimeoutMs = HANDSHAKE_TIMEOUT_MS, setupTimeoutMs = 150_000, callTimeoutMs = 30_000,
    maxMessageBytes = DEFAULT_MAX_MESSAGE_BYTES, reconnectBaseMs = 500, reconnectMaxMs = 30_000,
    random = randomBytes, ephemeralFactory = generateKeyPair, log = () => {},
  }) {
    if (typeof connect !== 'function') throw new TypeError('connect must be a port factory function');
    if (typeof callerId !== 'string' || !callerId) throw new TypeError('callerId is required');
    if (typeof name !== 'string' || typeof version !== 'string') throw new TypeError('name and version are required');
    if (!keyStore) throw new TypeError('keyStore is required');
    this.#connect = connect;
    this.#callerId = callerId;
    this.#identity = { name, version };
    this.#keyStore = keyStore;
    this.#handshakeTimeoutMs = handshakeTimeoutMs;
    this.#setupTimeoutMs = setupTimeoutMs;
    this.#callTimeoutMs = callTimeoutMs;
    this.#maxMessageBytes = maxMessageBytes;
    this.#reconnectBaseMs = reconnectBaseMs;
    this.#reconnectMaxMs = reconnectMaxMs;
    this.#random = random;
    this.#ephemeralFactory = ephemeralFactory;
    this.#log = log;
  }

  // ------------------------------------------------------------------------------------------
  // Public API

  /** Opens the port and keeps the connection up from now on. Idempotent. */
  start() {
    if (this.#started) return this;
    this.#started = true;
    this.#halted = false;
    this.#keyStore.getPinnedDesktopKey().then((key) => {
      this.#paired ??= key !== null;
      this.#emitState();
    }, (error) => this.#log('warn', `key store unreadable: ${error.message}`));
    this.#openPort();
    return this;
  }

  /** Closes the port, fails pending calls and stops reconnecting. start() or reconnect() resumes. */
  close() {
    this.#started = false;
    clearTimeout(this.#reconnectTimer);
    this.#reconnectTimer = null;
    const error = errorFor('closed');
    this.#dropPort(error);
    this.#failAllCalls(error);
    this.#setState('stopped', null);
  }

  /** Starts over now with a fresh port: after a failure the user acted on, or any time. */
  reconnect() {
    this.#started = true;
    this.#halted = false;
    this.#reconnectAttempt = 0;
    clearTimeout(this.#reconnectTimer);
    this.#reconnectTimer = null;
    this.#dropPort(errorFor('disconnected', 'reconnecting'));
    this.#openPort();
  }

  /**
   * Forgets the pinned desktop key, then reconnects so the next desktop can pair. Only for
   * when the user knows the desktop app was reinstalled or reset ("desktop identity changed").
   */
  async forgetDesktop() {
    await this.#keyStore.clearPinnedDesktopKey();
    this.#paired = false;
    this.reconnect();
  }

  /** The current state name (see CLIENT_STATES). */
  get state() {
    return this.#state;
  }

  /**
   * What a UI needs: { state, error: {code, message, detail?} | null, desktop: {name, version}
   * | null, pairingCode: {code, display} | null, pairingApproved, paired: boolean | null }.
   */
  snapshot() {
    const error = this.#error
      ? { code: this.#error.code, message: this.#error.message, ...(this.#error.detail ? { detail: this.#error.detail } : {}) }
      : null;
    return {
      state: this.#state,
      error,
      desktop: this.#desktop ? { ...this.#desktop } : null,
      pairingCode: this.#pairingCode ? { ...this.#pairingCode } : null,
      pairingApproved: this.#pairingApproved,
      paired: this.#paired,
    };
  }

  /**
   * Subscribes to a client notification or a desktop event topic; returns an unsubscribe
   * function. Client notifications: 'state' (snapshot), 'pairing-code' ({code, display,
   * desktop}), 'ready' ({desktop, pairedNow}), 'error' (BridgekeeperError), '*' (every desktop
   * event as {topic, payload}). Any other name is a topic: fn(payload, topic).
   */
  on(name, fn) {
    if (typeof fn !== 'function') throw new TypeError('listener must be a function');
    let set = this.#listeners.get(name);
    if (!set) this.#listeners.set(name, (set = new Set()));
    set.add(fn);
    return () => this.off(name, fn);
  }

  off(name, fn) {
    this.#listeners.get(name)?.delete(fn);
  }

  /**
   * Calls a desktop method. Resolves with `result`; rejects with RpcError (desktop error, or
   * code "timeout" when no answer came by the deadline, in which case rpc.cancel is sent),
   * with signal.reason when aborted (rpc.cancel is sent), or with BridgekeeperError when the
   * connection is not there or goes away. Calls made while connecting wait for the session.
   */
  call(method, params = null, { timeoutMs = this.#callTimeoutMs, signal } = {}) {
    if (typeof method !== 'string' || method.length === 0) return Promise.reject(new TypeError('method must be a non-empty string'));
    if (params !== null && !isPlainObject(params)) return Promise.reject(new TypeError('params must be an object or null'));
    if (signal?.aborted) return Promise.reject(signal.reason);
    const unavailable = this.#fastFailure();
    if (unavailable) return Promise.reject(unavailable);

    return new Promise((resolve, reject) => {
      const call = { id: String(++this.#nextRpcId), method, params, resolve, reject, session: null, signal, onAbort: null };
      call.timer = setTimeout(() => this.#finishCall(call, {
        error: new RpcError(RPC_ERROR_CODES.timeout, 'The desktop app did not answer in time.', { local: true }),
        cancel: true,
      }), timeoutMs);
      if (signal) {
        call.onAbort = () => this.#finishCall(call, { error: signal.reason, cancel: true });
        signal.addEventListener('abort', call.onAbort, { once: true });
      }
      this.#calls.set(call.id, call);
      const session = this.#session;
      if (session && this.#canSend(session, method)) this.#sendCall(session, call);
    });
  }

  /** Publishes an event to the desktop. Rejects with not_ready unless the session is ready. */
  publish(topic, payload = null) {
    if (typeof topic !== 'string' || topic.length === 0 || isReservedTopic(topic)) {
      return Promise.reject(new TypeError(`cannot publish to topic ${JSON.stringify(topic)}`));
    }
    const session = this.#session;
    if (!session || session.phase !== 'ready') return Promise.reject(errorFor('not_ready'));
    return this.#sendIpc(session, topic, payload ?? null);
  }

  /**
   * Registers a handler for requests the desktop sends to the extension; returns an unregister
   * function. handler(params, {signal, method, id}) returns the result (or a promise of it) or
   * throws RpcError; any other throw is answered with internal_error. signal aborts when the
   * desktop cancels. Methods without a handler are answered with method_not_found.
   */
  handle(method, handler) {
    if (typeof method !== 'string' || !method || typeof handler !== 'function') throw new TypeError('method and handler required');
    this.#handlers.set(method, handler);
    return () => {
      if (this.#handlers.get(method) === handler) this.#handlers.delete(method);
    };
  }

  // ------------------------------------------------------------------------------------------
  // Port

  #openPort() {
    let port;
    try {
      port = this.#connect();
    } catch (error) {
      this.#scheduleReconnect(disconnectError(error?.message));
      return;
    }
    this.#port = port;
    this.#setState('connecting', null);
    port.onMessage.addListener((message) => this.#enqueue(port, message));
    port.onDisconnect.addListener((closed) => {
      // Firefox reports the reason on port.error, Chromium on runtime.lastError, which is only
      // readable inside this callback (reading it also stops Chromium logging it as unchecked).
      const reason = closed?.error?.message ?? globalThis.chrome?.runtime?.lastError?.message;
      // Queued behind the messages that arrived before it: the host's last words (an error
      // envelope, pairing.complete) are still handled.
      this.#inbox = this.#inbox
        .then(() => this.#onDisconnect(port, reason))
        .catch((error) => this.#log('warn', `disconnect handling failed: ${error?.message}`));
    });
  }

  #onDisconnect(port, reason) {
    if (port !== this.#port) return;
    this.#port = null;
    const error = disconnectError(reason);
    this.#log('info', `port closed: ${error.code}`);
    this.#endSession(error);
    this.#scheduleReconnect(error);
  }

  /** Ends the session and closes the port without reconnecting (caller decides what next). */
  #dropPort(error) {
    const port = this.#port;
    this.#port = null;
    this.#endSession(error);
    if (port) {
      try {
        port.disconnect();
      } catch {
        // already closed
      }
    }
  }

  #scheduleReconnect(error) {
    if (!this.#started || this.#halted) return;
    const delay = Math.min(this.#reconnectMaxMs, this.#reconnectBaseMs * 2 ** this.#reconnectAttempt);
    this.#reconnectAttempt = Math.min(this.#reconnectAttempt + 1, 20);
    this.#setState('reconnecting', error);
    clearTimeout(this.#reconnectTimer);
    this.#reconnectTimer = setTimeout(() => {
      this.#reconnectTimer = null;
      if (this.#started && !this.#halted && !this.#port) this.#openPort();
    }, delay);
  }

  #post(port, envelope) {
    try {
      port.postMessage(envelope);
    } catch (error) {
      this.#onDisconnect(port, error.message);
      throw errorFor('disconnected', error.message);
    }
  }

  /**
   * Ends the connection after a fatal error: tells the peer (when `send` is an error code),
   * closes the port, then either waits for the user (terminal) or reconnects with back-off.
   */
  #fatal(error, { send = null, terminal = false } = {}) {
    const port = this.#port;
    this.#log('warn', `connection failed: ${error.code}${error.detail ? ` (${error.detail})` : ''}`);
    if (send && port) {
      try {
        port.postMessage({ type: 'error', code: send, message: error.detail ?? error.message });
      } catch {
        // the port is already gone; nothing to tell
      }
    }
    this.#dropPort(error);
    this.#emit('error', error);
    if (terminal) {
      this.#halted = true;
      clearTimeout(this.#reconnectTimer);
      this.#reconnectTimer = null;
      this.#setState('failed', error);
    } else {
      this.#scheduleReconnect(error);
    }
  }

  // ------------------------------------------------------------------------------------------
  // Envelopes

  #enqueue(port, envelope) {
    // One envelope at a time, in arrival order: the Noise nonces and the protocol steps depend on it.
    this.#inbox = this.#inbox
      .then(() => this.#handleEnvelope(port, envelope))
      .catch((error) => this.#onUnexpected(port, error));
  }

  #onUnexpected(port, error) {
    if (port !== this.#port) return;
    if (error instanceof BridgekeeperError && error.code === 'disconnected') return;
    this.#fatal(errorFor('internal', error?.message ?? String(error), error), { send: 'internal' });
  }

  async #handleEnvelope(port, envelope) {
    if (port !== this.#port) return;
    try {
      validateEnvelope(envelope);
    } catch (error) {
      this.#fatal(errorFor('protocol_error', error.message), { send: 'protocol_error' });
      return;
    }
    switch (envelope.type) {
      case 'status': return this.#onStatus(port, envelope);
      case 'handshake': return this.#onHandshake(envelope);
      case 'secure': return this.#onSecure(envelope);
      case 'error': return this.#onErrorEnvelope(envelope);
    }
  }

  async #onStatus(port, envelope) {
    if (isPlainObject(envelope.desktop)) {
      const { name, version } = envelope.desktop;
      if (typeof name === 'string' && typeof version === 'string') this.#desktop = { name, version };
    }
    if (envelope.state === 'desktop_unavailable') {
      const error = errorFor('desktop_unavailable', envelope.detail);
      this.#endSession(error);
      this.#setState('desktop_unavailable', error);
      return;
    }
    // connected: the desktop accepted the host's hello. Any older session is dead.
    this.#endSession(errorFor('disconnected', 'desktop reconnected'));
    if (!this.#halted) await this.#beginHandshake(port);
  }

  async #onErrorEnvelope(envelope) {
    const code = ENVELOPE_ERROR_CODES.includes(envelope.code) ? envelope.code : 'internal';
    // Refusals that retrying cannot fix wait for the user; the rest reconnect with back-off.
    const terminal = code === 'not_allowed' || code === 'pairing_rejected';
    this.#fatal(errorFor(code, envelope.message ?? envelope.code), { terminal });
  }

  // ------------------------------------------------------------------------------------------
  // Handshake (section 3)

  #newSession(port) {
    const session = {
      port, phase: 'handshake', handshake: null, channel: null, handshakeHash: null,
      desktopKey: null, knownDesktop: false, pairing: null, timer: null, serving: new Map(),
    };
    this.#session = session;
    this.#pairingCode = null;
    this.#pairingApproved = false;
    return session;
  }

  #isCurrent(session) {
    return this.#session === session && session.phase !== 'closed';
  }

  async #beginHandshake(port) {
    const session = this.#newSession(port);
    this.#setState('handshaking', null);
    session.timer = setTimeout(() => {
      if (this.#isCurrent(session) && session.phase === 'handshake') {
        this.#fatal(errorFor('handshake_failed', `handshake did not finish within ${this.#handshakeTimeoutMs} ms`), { send: 'handshake_failed' });
      }
    }, this.#handshakeTimeoutMs);

    let staticKey;
    try {
      staticKey = await this.#keyStore.loadStaticKeyPair();
    } catch (error) {
      if (error?.name !== 'NotSupportedError') throw error;
      this.#fatal(errorFor('unsupported_browser', error.message), { terminal: true });
      return;
    }
    if (!this.#isCurrent(session)) return;
    session.handshake = await HandshakeState.initialize({
      protocolName: NOISE_PROTOCOL_NAME,
      initiator: true,
      prologue: prologue(this.#callerId),
      s: staticKey,
      ephemeralFactory: this.#ephemeralFactory,
    });
    const message1 = await session.handshake.writeMessage();
    if (!this.#isCurrent(session)) return;
    this.#post(port, { type: 'handshake', step: 1, data: toBase64(message1) });
  }

  async #onHandshake(envelope) {
    const session = this.#session;
    if (!session || session.phase !== 'handshake' || !session.handshake || envelope.step !== 2) {
      this.#fatal(errorFor('handshake_failed', `handshake step ${envelope.step} out of order`), { send: 'handshake_failed' });
      return;
    }
    const handshake = session.handshake;
    let desktopHello;
    try {
      desktopHello = parseHandshakePayload(await handshake.readMessage(fromBase64(envelope.data)));
    } catch (error) {
      if (!this.#isCurrent(session)) return;
      this.#fatal(errorFor('handshake_failed', `step 2 rejected: ${error.message}`), { send: 'handshake_failed' });
      return;
    }
    const desktopKey = handshake.remoteStaticPublicKey;
    const pinned = await this.#keyStore.getPinnedDesktopKey();
    if (!this.#isCurrent(session)) return;
    this.#paired = pinned !== null;
    // Checked before step 3, so an impostor never even learns this extension's static key.
    if (pinned && !constantTimeEqual(pinned, desktopKey)) {
      this.#fatal(errorFor('desktop_identity_changed', 'desktop identity changed'), { send: 'handshake_failed', terminal: true });
      return;
    }
    const message3 = await handshake.writeMessage(handshakePayload(this.#identity));
    if (!this.#isCurrent(session)) return;
    this.#post(session.port, { type: 'handshake', step: 3, data: toBase64(message3) });

    const { send, receive } = handshake.split();
    session.handshakeHash = handshake.getHandshakeHash();
    session.handshake = null;
    session.desktopKey = desktopKey;
    session.knownDesktop = pinned !== null;
    session.channel = new SecureChannel({
      send,
      receive,
      maxMessageBytes: this.#maxMessageBytes,
      post: (out) => {
        // The port can outlive the session (desktop_unavailable, then connected): pieces still
        // queued for the old session must not reach the next one.
        if (!this.#isCurrent(session)) throw errorFor('disconnected', 'session ended');
        this.#post(session.port, out);
      },
    });
    session.phase = 'secure';
    this.#desktop = { name: desktopHello.name, version: desktopHello.version };
    clearTimeout(session.timer);
    session.timer = setTimeout(() => {
      if (this.#isCurrent(session) && session.phase === 'secure') {
        const code = session.pairing ? 'pairing_rejected' : 'protocol_error';
        this.#fatal(errorFor(code, 'session.ready did not arrive in time'), { send: code, terminal: code === 'pairing_rejected' });
      }
    }, this.#setupTimeoutMs);
    this.#log('info', 'handshake complete');
    this.#emitState();
    this.#flushCalls(session);
  }

  // ------------------------------------------------------------------------------------------
  // Secure messages (section 4) and IPC dispatch (section 6)

  async #onSecure(envelope) {
    const session = this.#session;
    if (!session?.channel) {
      this.#fatal(errorFor('protocol_error', 'secure message before the handshake finished'), { send: 'protocol_error' });
      return;
    }
    let result;
    try {
      result = await session.channel.receive(envelope);
    } catch (error) {
      if (!this.#isCurrent(session)) return;
      if (error instanceof NoiseDecryptError) {
        this.#fatal(errorFor('decrypt_failed', 'a secure frame failed authentication'), { send: 'decrypt_failed' });
      } else {
        this.#fatal(errorFor('protocol_error', error.message), { send: 'protocol_error' });
      }
      return;
    }
    if (!result || !this.#isCurrent(session)) return;
    if (result.tooLarge) {
      this.#onTooLarge(session, result);
      return;
    }
    let message;
    try {
      message = parseIpcMessage(result.bytes);
    } catch (error) {
      this.#fatal(errorFor('protocol_error', error.message), { send: 'protocol_error' });
      return;
    }
    await this.#onIpc(session, message);
  }

  #onTooLarge(session, { head, size }) {
    const id = sniffRequestId(head);
    this.#log('warn', `incoming message of ${size} bytes over the ${this.#maxMessageBytes}-byte limit`);
    if (id !== null) {
      this.#respond(session, { id, error: { code: RPC_ERROR_CODES.too_large, message: `request of ${size} bytes is over the limit of ${this.#maxMessageBytes}` } });
    } else {
      this.#fatal(errorFor('frame_too_large', `message of ${size} bytes is over the limit`), { send: 'frame_too_large' });
    }
  }

  async #onIpc(session, { topic, payload }) {
    switch (topic) {
      case 'pairing.commit': return this.#onPairingCommit(session, payload);
      case 'pairing.reveal': return this.#onPairingReveal(session, payload);
      case 'pairing.complete': return this.#onPairingComplete(session, payload);
      case 'session.ready': return this.#onSessionReady(session, payload);
      case 'rpc.response': return this.#onRpcResponse(session, payload);
      case 'rpc.request': return this.#onRpcRequest(session, payload);
      case 'rpc.cancel': return this.#onRpcCancel(session, payload);
      case 'pairing.revoked':
        this.#deliverEvent(topic, payload);
        // The desktop closes the connection next; waiting for the user avoids re-prompting at once.
        this.#fatal(errorFor('pairing_revoked'), { terminal: true });
        return;
      default:
        if (isReservedTopic(topic)) {
          this.#log('info', `ignored reserved topic ${topic}`);
        } else if (session.phase === 'ready') {
          this.#deliverEvent(topic, payload);
        } else {
          this.#log('info', `ignored event ${topic} before session.ready`);
        }
    }
  }

  #deliverEvent(topic, payload) {
    this.#emit(topic, payload, topic);
    this.#emit('*', { topic, payload });
  }

  #sendIpc(session, topic, payload) {
    if (!this.#isCurrent(session)) return Promise.reject(errorFor('disconnected', 'session ended'));
    let bytes;
    try {
      bytes = utf8(JSON.stringify({ topic, payload }));
    } catch (error) {
      return Promise.reject(new TypeError(`payload is not JSON-serializable: ${error.message}`));
    }
    if (bytes.length > this.#maxMessageBytes) {
      return Promise.reject(errorFor('too_large', `${bytes.length} bytes, limit ${this.#maxMessageBytes}`));
    }
    return session.channel.send(bytes);
  }

  // ------------------------------------------------------------------------------------------
  // Pairing (section 5)

  #protocolViolation(what) {
    this.#fatal(errorFor('protocol_error', what), { send: 'protocol_error' });
  }

  async #onPairingCommit(session, payload) {
    if (session.phase !== 'secure' || session.pairing) return this.#protocolViolation('unexpected pairing.commit');
    const commitment = decodeNonce(payload?.commitment);
    if (!commitment) return this.#protocolViolation('pairing.commit needs a 32-byte base64 commitment');
    const extensionNonce = this.#random(PAIRING_NONCE_LENGTH);
    if (!(extensionNonce instanceof Uint8Array) || extensionNonce.length !== PAIRING_NONCE_LENGTH) {
      throw new Error('random source must return 32 bytes');
    }
    session.pairing = { stage: 'committed', commitment, extensionNonce };
    this.#setState('pairing', null);
    await this.#sendIpc(session, 'pairing.nonce', { nonce: toBase64(extensionNonce) });
  }

  async #onPairingReveal(session, payload) {
    if (session.pairing?.stage !== 'committed') return this.#protocolViolation('unexpected pairing.reveal');
    const desktopNonce = decodeNonce(payload?.nonce);
    if (!desktopNonce) return this.#protocolViolation('pairing.reveal needs a 32-byte base64 nonce');
    const expected = await pairingCommitment(desktopNonce);
    if (!this.#isCurrent(session)) return;
    if (!constantTimeEqual(expected, session.pairing.commitment)) {
      this.#fatal(errorFor('pairing_failed', 'pairing commitment does not match the revealed nonce'), { send: 'pairing_rejected', terminal: true });
      return;
    }
    const code = await pairingCode(session.handshakeHash, session.pairing.extensionNonce, desktopNonce);
    if (!this.#isCurrent(session)) return;
    session.pairing.stage = 'revealed';
    this.#pairingCode = { code, display: formatPairingCode(code) };
    this.#setState('pairing', null);
    this.#emit('pairing-code', { ...this.#pairingCode, desktop: this.#desktop });
  }

  async #onPairingComplete(session, payload) {
    if (session.pairing?.stage !== 'revealed') return this.#protocolViolation('unexpected pairing.complete');
    if (payload?.approved === true) {
      // Pin now: from here on, a different desktop key is refused before step 3.
      await this.#keyStore.setPinnedDesktopKey(session.desktopKey);
      if (!this.#isCurrent(session)) return;
      session.pairing.stage = 'approved';
      this.#paired = true;
      this.#pairingApproved = true;
      this.#emitState();
    } else if (payload?.approved === false) {
      this.#fatal(errorFor('pairing_rejected', 'the desktop user did not approve'), { terminal: true });
    } else {
      this.#protocolViolation('pairing.complete needs approved true or false');
    }
  }

  async #onSessionReady(session, payload) {
    if (session.phase !== 'secure') return this.#protocolViolation('unexpected session.ready');
    if (session.pairing && session.pairing.stage !== 'approved') return this.#protocolViolation('session.ready before pairing was approved');
    if (payload?.paired !== true) return this.#protocolViolation('session.ready needs paired: true');
    if (!session.pairing && !session.knownDesktop) {
      // The desktop knows our key but we pinned nothing (the pin was forgotten on purpose):
      // trust this desktop from now on, as pairing would have.
      await this.#keyStore.setPinnedDesktopKey(session.desktopKey);
      if (!this.#isCurrent(session)) return;
      this.#paired = true;
    }
    session.phase = 'ready';
    clearTimeout(session.timer);
    this.#reconnectAttempt = 0;
    this.#pairingCode = null;
    this.#setState('ready', null);
    this.#emit('ready', { desktop: this.#desktop, pairedNow: Boolean(session.pairing) });
    this.#flushCalls(session);
  }

  // ------------------------------------------------------------------------------------------
  // RPC (section 6)

  #canSend(session, method) {
    return session.phase === 'ready' || (session.phase === 'secure' && method === 'ipc.discover');
  }

  #sendCall(session, call) {
    call.session = session;
    this.#sendIpc(session, 'rpc.request', { id: call.id, method: call.method, params: call.params })
      .catch((error) => this.#finishCall(call, {
        error: error instanceof BridgekeeperError || error instanceof TypeError ? error : errorFor('disconnected', error.message),
      }));
  }

  #flushCalls(session) {
    for (const call of this.#calls.values()) {
      if (!call.session && this.#canSend(session, call.method)) this.#sendCall(session, call);
    }
  }

  #finishCall(call, { error = null, result = null, cancel = false }) {
    if (this.#calls.get(call.id) !== call) return;
    this.#calls.delete(call.id);
    clearTimeout(call.timer);
    if (call.onAbort) call.signal.removeEventListener('abort', call.onAbort);
    if (cancel && call.session && this.#isCurrent(call.session)) {
      this.#sendIpc(call.session, 'rpc.cancel', { id: call.id }).catch(() => {});
    }
    if (error) call.reject(error);
    else call.resolve(result);
  }

  #failAllCalls(error, onlyUnsent = false) {
    for (const call of [...this.#calls.values()]) {
      if (!onlyUnsent || !call.session) this.#finishCall(call, { error });
    }
  }

  /** The error a new call should fail with right away, or null if it may wait. */
  #fastFailure() {
    if (!this.#started) return errorFor('not_ready', 'the client is not started');
    if (FAIL_FAST_STATES.has(this.#state)) return this.#error ?? errorFor('not_ready');
    if (this.#state === 'reconnecting' && HOST_MISSING_CODES.has(this.#error?.code)) return this.#error;
    return null;
  }

  #onRpcResponse(session, payload) {
    if (!isPlainObject(payload) || typeof payload.id !== 'string') {
      this.#log('warn', 'ignored malformed rpc.response');
      return;
    }
    const call = this.#calls.get(payload.id);
    if (!call || call.session !== session) return; // answered after a timeout or cancel
    if (payload.error !== undefined) {
      const { code, message, data } = isPlainObject(payload.error) ? payload.error : {};
      if (!Number.isInteger(code)) {
        this.#finishCall(call, { error: new RpcError(RPC_ERROR_CODES.internal_error, 'The desktop app sent a malformed error.') });
        return;
      }
      const text = typeof message === 'string' && message ? message : `The desktop app refused the request (${code}).`;
      this.#finishCall(call, { error: new RpcError(code, text, { data }) });
    } else {
      this.#finishCall(call, { result: payload.result === undefined ? null : payload.result });
    }
  }

  #respond(session, response) {
    this.#sendIpc(session, 'rpc.response', response).catch((error) => {
      this.#log('warn', `could not send rpc.response ${response.id}: ${error.message}`);
    });
  }

  #respondError(session, id, name, message) {
    this.#respond(session, { id, error: { code: RPC_ERROR_CODES[name], message } });
  }

  #onRpcRequest(session, payload) {
    if (!isPlainObject(payload) || typeof payload.id !== 'string' || payload.id.length === 0) {
      this.#log('warn', 'ignored rpc.request without an id');
      return;
    }
    const { id, method, params } = payload;
    if (typeof method !== 'string' || method.length === 0) return this.#respondError(session, id, 'invalid_request', 'method missing');
    if (session.serving.has(id)) return this.#respondError(session, id, 'invalid_request', 'duplicate request id');
    if (params !== undefined && params !== null && !isPlainObject(params)) {
      return this.#respondError(session, id, 'invalid_params', 'params must be an object or null');
    }
    if (session.phase !== 'ready' && method !== 'ipc.discover') return this.#respondError(session, id, 'not_paired', 'session not ready');
    const handler = this.#handlers.get(method);
    if (!handler) return this.#respondError(session, id, 'method_not_found', `no handler for ${method}`);

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
      if (entry.done || !this.#isCurrent(session)) return;
      entry.done = true;
      session.serving.delete(id);
      this.#respond(session, response);
    })();
  }

  #onRpcCancel(session, payload) {
    const entry = isPlainObject(payload) ? session.serving.get(payload.id) : undefined;
    if (!entry) return;
    entry.done = true;
    session.serving.delete(payload.id);
    entry.controller.abort();
    this.#respondError(session, payload.id, 'cancelled', 'cancelled');
  }

  // ------------------------------------------------------------------------------------------
  // Session end, state and notifications

  #endSession(error) {
    const session = this.#session;
    if (!session) return;
    this.#session = null;
    session.phase = 'closed';
    clearTimeout(session.timer);
    for (const entry of session.serving.values()) entry.controller.abort();
    session.serving.clear();
    this.#pairingCode = null;
    for (const call of [...this.#calls.values()]) {
      if (call.session === session) this.#finishCall(call, { error });
    }
  }

  #setState(state, error) {
    this.#state = state;
    this.#error = error;
    if (FAIL_FAST_STATES.has(state)) this.#failAllCalls(error ?? errorFor('not_ready'), true);
    this.#emitState();
  }

  #emitState() {
    this.#emit('state', this.snapshot());
  }

  #emit(name, ...args) {
    const set = this.#listeners.get(name);
    if (!set) return;
    for (const fn of [...set]) {
      try {
        fn(...args);
      } catch (error) {
        this.#log('warn', `listener for ${name} threw: ${error?.message}`);
      }
    }
  }
}
