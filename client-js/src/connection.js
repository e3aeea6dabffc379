// @ts-check
// The connection's state machine: one port at a time, the host's status messages, error
// envelopes, fatal failures, reconnection with back-off, sessions and their end. Handshake,
// secure messages, pairing and RPC live in their own modules and act on this object;
// BridgekeeperClient (client.js) is its public face.

import { randomBytes, utf8 } from './bytes.js';
import { BridgekeeperError, errorFor } from './errors.js';
import { MessageCatalog } from './messages.js';
import { Emitter } from './events.js';
import { beginHandshake, onHandshake } from './handshake.js';
import { onSecure } from './ipc.js';
import { generateKeyPair } from './noise.js';
import { DEFAULT_MAX_MESSAGE_BYTES, ENVELOPE_ERROR_CODES, HANDSHAKE_TIMEOUT_MS } from './protocol.js';
import { Rpc } from './rpc.js';
import { Transport, closeCode } from './transport.js';
import { isPlainObject, validateEnvelope } from './wire.js';

/** @typedef {import('./types.js').Port} Port */
/** @typedef {import('./types.js').KeyStore} KeyStore */
/** @typedef {import('./types.js').KeyPair} KeyPair */
/** @typedef {import('./types.js').ClientState} ClientState */
/** @typedef {import('./types.js').Snapshot} Snapshot */
/** @typedef {import('./types.js').DesktopInfo} DesktopInfo */
/** @typedef {import('./types.js').PairingCodeInfo} PairingCodeInfo */

/** @typedef {import('./types.js').Session} Session */
/** @typedef {import('./types.js').ConnectionOptions} ConnectionOptions */

// In these states a call cannot succeed soon, so new and queued calls fail at once.
export const FAIL_FAST_STATES = new Set(['stopped', 'desktop_unavailable', 'failed']);

export class Connection {
  /** @param {ConnectionOptions} options */
  constructor({
    connect, callerId, name, version, keyStore,
    handshakeTimeoutMs = HANDSHAKE_TIMEOUT_MS, setupTimeoutMs = 150_000, callTimeoutMs = 30_000,
    maxMessageBytes = DEFAULT_MAX_MESSAGE_BYTES, reconnectBaseMs = 500, reconnectMaxMs = 30_000,
    random = randomBytes, ephemeralFactory = generateKeyPair, log = () => {},
    messages, productName, productCommand,
  }) {
    this.messages = new MessageCatalog({ messages, productName, productCommand });
    this.callerId = callerId;
    this.identity = { name, version };
    this.keyStore = keyStore;
    this.handshakeTimeoutMs = handshakeTimeoutMs;
    this.setupTimeoutMs = setupTimeoutMs;
    this.callTimeoutMs = callTimeoutMs;
    this.maxMessageBytes = maxMessageBytes;
    this.reconnectBaseMs = reconnectBaseMs;
    this.reconnectMaxMs = reconnectMaxMs;
    this.random = random;
    this.ephemeralFactory = ephemeralFactory;
    this.log = log;

    this.started = false;
    this.halted = false;
    /** @type {Session | null} */
    this.session = null;
    /** @type {ClientState} */
    this.state = 'stopped';
    /** @type {BridgekeeperError | null} */
    this.error = null;
    /** @type {DesktopInfo | null} */
    this.desktop = null;
    /** @type {PairingCodeInfo | null} */
    this.pairingCode = null;
    this.pairingApproved = false;
    /** @type {boolean | null} */
    this.paired = null;
    /** @type {ReturnType<typeof setTimeout> | null} */
    this.reconnectTimer = null;
    this.reconnectAttempt = 0;

    this.events = new Emitter(log);
    this.rpc = new Rpc(this);
    this.transport = new Transport(connect, {
      onEnvelope: (port, envelope) => this.#handleEnvelope(port, envelope),
      onClosed: (port, reason, heard) => this.#onClosed(reason, heard),
      onUnexpected: (port, error) => this.#onUnexpected(error),
      error: (code, detail) => this.errorFor(code, detail),
      log,
    });
  }

  /**
   * A BridgekeeperError with this client's text for `code`.
   * @param {string} code
   * @param {string} [detail]
   * @param {unknown} [cause]
   */
  errorFor(code, detail, cause) {
    return errorFor(this.messages, code, detail, cause);
  }

  // ------------------------------------------------------------------------------------------
  // Lifecycle

  start() {
    if (this.started) return;
    this.started = true;
    this.halted = false;
    this.keyStore.getPinnedDesktopKey().then((key) => {
      this.paired ??= key !== null;
      this.emitState();
    }, (error) => this.log('warn', `key store unreadable: ${error.message}`));
    this.openPort();
  }

  close() {
    this.started = false;
    this.#clearReconnectTimer();
    const error = this.errorFor('closed');
    this.dropPort(error);
    this.rpc.failAll(error);
    this.setState('stopped', null);
  }

  reconnect() {
    this.started = true;
    this.halted = false;
    this.reconnectAttempt = 0;
    this.#clearReconnectTimer();
    this.dropPort(this.errorFor('disconnected', 'reconnecting'));
    this.openPort();
  }

  async forgetDesktop() {
    await this.keyStore.clearPinnedDesktopKey();
    this.paired = false;
    this.reconnect();
  }

  /** @returns {Snapshot} */
  snapshot() {
    const error = this.error
      ? { code: this.error.code, message: this.error.message, ...(this.error.detail ? { detail: this.error.detail } : {}) }
      : null;
    return {
      state: this.state,
      error,
      desktop: this.desktop ? { ...this.desktop } : null,
      pairingCode: this.pairingCode ? { ...this.pairingCode } : null,
      pairingApproved: this.pairingApproved,
      paired: this.paired,
    };
  }

  // ------------------------------------------------------------------------------------------
  // Port

  openPort() {
    try {
      this.transport.open();
    } catch (error) {
      const reason = /** @type {Error} */ (error)?.message;
      this.#scheduleReconnect(this.errorFor(closeCode(reason, true), reason || 'port closed'));
      return;
    }
    this.setState('connecting', null);
  }

  /**
   * @param {string | undefined} reason
   * @param {boolean} heard
   */
  #onClosed(reason, heard) {
    const error = this.errorFor(closeCode(reason, heard), reason || 'port closed');
    this.log('info', `port closed: ${error.code}`);
    this.endSession(error);
    this.#scheduleReconnect(error);
  }

  /**
   * Ends the session and closes the port without reconnecting (caller decides what next).
   * @param {BridgekeeperError} error
   */
  dropPort(error) {
    const port = this.transport.detach();
    this.endSession(error);
    Transport.disconnect(port);
  }

  #clearReconnectTimer() {
    if (this.reconnectTimer !== null) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
  }

  /** @param {BridgekeeperError} error */
  #scheduleReconnect(error) {
    if (!this.started || this.halted) return;
    const delay = Math.min(this.reconnectMaxMs, this.reconnectBaseMs * 2 ** this.reconnectAttempt);
    this.reconnectAttempt = Math.min(this.reconnectAttempt + 1, 20);
    this.setState('reconnecting', error);
    this.#clearReconnectTimer();
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      if (this.started && !this.halted && !this.transport.port) this.openPort();
    }, delay);
  }

  /**
   * @param {Port} port
   * @param {object} envelope
   */
  post(port, envelope) {
    this.transport.post(port, envelope);
  }

  /**
   * Ends the connection after a fatal error: tells the peer (when `send` is an error code),
   * closes the port, then either waits for the user (terminal) or reconnects with back-off.
   * @param {BridgekeeperError} error
   * @param {{ send?: string | null, terminal?: boolean }} [options]
   */
  fatal(error, { send = null, terminal = false } = {}) {
    const port = this.transport.port;
    this.log('warn', `connection failed: ${error.code}${error.detail ? ` (${error.detail})` : ''}`);
    if (send && port) {
      try {
        port.postMessage({ type: 'error', code: send, message: error.detail ?? error.message });
      } catch {
        // the port is already gone; nothing to tell
      }
    }
    this.dropPort(error);
    this.emit('error', error);
    if (terminal) {
      this.halted = true;
      this.#clearReconnectTimer();
      this.setState('failed', error);
    } else {
      this.#scheduleReconnect(error);
    }
  }

  /** @param {string} what */
  protocolViolation(what) {
    this.fatal(this.errorFor('protocol_error', what), { send: 'protocol_error' });
  }

  // ------------------------------------------------------------------------------------------
  // Envelopes

  /** @param {unknown} error */
  #onUnexpected(error) {
    if (error instanceof BridgekeeperError && error.code === 'disconnected') return;
    const message = error instanceof Error ? error.message : String(error);
    this.fatal(this.errorFor('internal', message, error), { send: 'internal' });
  }

  /**
   * @param {Port} port
   * @param {unknown} raw
   */
  async #handleEnvelope(port, raw) {
    let envelope;
    try {
      envelope = validateEnvelope(raw);
    } catch (error) {
      this.protocolViolation(/** @type {Error} */ (error).message);
      return;
    }
    switch (envelope.type) {
      case 'status': return this.#onStatus(port, envelope);
      case 'handshake': return onHandshake(this, envelope);
      case 'secure': return onSecure(this, envelope);
      case 'error': return this.#onErrorEnvelope(envelope);
    }
  }

  /**
   * @param {Port} port
   * @param {{ state: string, detail?: string, desktop?: Record<string, unknown> }} envelope
   */
  async #onStatus(port, envelope) {
    if (isPlainObject(envelope.desktop)) {
      const { name, version } = envelope.desktop;
      if (typeof name === 'string' && typeof version === 'string') this.desktop = { name, version };
    }
    if (envelope.state === 'desktop_unavailable') {
      const error = this.errorFor('desktop_unavailable', envelope.detail);
      this.endSession(error);
      this.setState('desktop_unavailable', error);
      return;
    }
    // connected: the desktop accepted the host's hello. Any older session is dead.
    this.endSession(this.errorFor('disconnected', 'desktop reconnected'));
    if (!this.halted) await beginHandshake(this, port);
  }

  /** @param {{ code: string, message?: string }} envelope */
  async #onErrorEnvelope(envelope) {
    const known = /** @type {readonly string[]} */ (ENVELOPE_ERROR_CODES);
    const code = known.includes(envelope.code) ? envelope.code : 'internal';
    // Refusals that retrying cannot fix wait for the user; the rest reconnect with back-off.
    const terminal = code === 'not_allowed' || code === 'pairing_rejected';
    this.fatal(this.errorFor(code, envelope.message ?? envelope.code), { terminal });
  }

  // ------------------------------------------------------------------------------------------
  // Sessions

  /**
   * @param {Port} port
   * @returns {Session}
   */
  newSession(port) {
    /** @type {Session} */
    const session = {
      port, phase: 'handshake', handshake: null, channel: null, handshakeHash: null,
      desktopKey: null, knownDesktop: false, pairing: null, timer: undefined, serving: new Map(),
    };
    this.session = session;
    this.pairingCode = null;
    this.pairingApproved = false;
    return session;
  }

  /**
   * @param {Session} session
   * @returns {boolean}
   */
  isCurrent(session) {
    return this.session === session && session.phase !== 'closed';
  }

  /** @param {BridgekeeperError} error */
  endSession(error) {
    const session = this.session;
    if (!session) return;
    this.session = null;
    session.phase = 'closed';
    clearTimeout(session.timer);
    this.pairingCode = null;
    this.rpc.endSession(session, error);
  }

  /**
   * Encrypts and sends one IPC message on the session's channel.
   * @param {Session} session
   * @param {string} topic
   * @param {unknown} payload
   * @returns {Promise<void>}
   */
  sendIpc(session, topic, payload) {
    if (!this.isCurrent(session) || !session.channel) return Promise.reject(this.errorFor('disconnected', 'session ended'));
    let bytes;
    try {
      bytes = utf8(JSON.stringify({ topic, payload }));
    } catch (error) {
      return Promise.reject(new TypeError(`payload is not JSON-serializable: ${/** @type {Error} */ (error).message}`));
    }
    if (bytes.length > this.maxMessageBytes) {
      return Promise.reject(this.errorFor('too_large', `${bytes.length} bytes, limit ${this.maxMessageBytes}`));
    }
    return session.channel.send(bytes);
  }

  /**
   * Hands a desktop event to its subscribers.
   * @param {string} topic
   * @param {unknown} payload
   */
  deliverEvent(topic, payload) {
    this.emit(topic, payload, topic);
    this.emit('*', { topic, payload });
  }

  // ------------------------------------------------------------------------------------------
  // State and notifications

  /**
   * @param {ClientState} state
   * @param {BridgekeeperError | null} error
   */
  setState(state, error) {
    this.state = state;
    this.error = error;
    if (FAIL_FAST_STATES.has(state)) this.rpc.failAll(error ?? this.errorFor('not_ready'), true);
    this.emitState();
  }

  emitState() {
    this.emit('state', this.snapshot());
  }

  /**
   * @param {string} name
   * @param {...unknown} args
   */
  emit(name, ...args) {
    this.events.emit(name, ...args);
  }
}
