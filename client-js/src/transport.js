// @ts-check
// The native messaging port: opening it, reading the browser's reason when it closes, and
// handing envelopes on one at a time, in arrival order (the Noise nonces and the protocol
// steps depend on that order). It knows nothing of the protocol above the envelope.

/** @typedef {import('./types.js').Port} Port */

/**
 * Why a native port closed, as one of the client's error codes, from the browser's reason
 * and whether the host had written anything:
 *   host_not_found  the browser found no native messaging host of that name (not installed)
 *   host_forbidden  the host is installed but its manifest does not list this extension
 *   host_broken     the host process started (or failed to) and exited before its first frame
 *   disconnected    the host went away after talking to us
 * @param {string | undefined} reason
 * @param {boolean} heard whether any frame arrived on the port
 * @returns {'host_not_found' | 'host_forbidden' | 'host_broken' | 'disconnected'}
 */
export function closeCode(reason, heard) {
  if (reason && /not found|no such native application|not registered/i.test(reason)) return 'host_not_found';
  if (reason && /forbidden|does not have permission/i.test(reason)) return 'host_forbidden';
  return heard ? 'disconnected' : 'host_broken';
}

/**
 * @typedef {object} TransportHooks
 * @property {(port: Port, envelope: unknown) => Promise<void> | void} onEnvelope an envelope arrived on the current port
 * @property {(port: Port, reason: string | undefined, heard: boolean) => void} onClosed the current port
 *   closed (not by us); `heard` says whether any frame had arrived on it
 * @property {(code: string, detail?: string) => Error} error makes the error a failed post throws
 * @property {(port: Port, error: unknown) => void} onUnexpected handling an envelope threw
 * @property {(level: string, message: string) => void} log
 */

export class Transport {
  /** The open port, or null. @type {Port | null} */
  port = null;
  #connect;
  #hooks;
  /** Everything that arrives is handled in this one queue. @type {Promise<void>} */
  #inbox = Promise.resolve();
  /** Ports on which at least one frame arrived. @type {WeakSet<Port>} */
  #heard = new WeakSet();

  /**
   * @param {() => Port} connect
   * @param {TransportHooks} hooks
   */
  constructor(connect, hooks) {
    this.#connect = connect;
    this.#hooks = hooks;
  }

  /** Opens a new port and makes it the current one. Throws whatever connect() throws. */
  open() {
    const port = this.#connect();
    this.port = port;
    port.onMessage.addListener((message) => this.#enqueue(port, message));
    port.onDisconnect.addListener((closed) => {
      // Firefox reports the reason on port.error, Chromium on runtime.lastError, which is only
      // readable inside this callback (reading it also stops Chromium logging it as unchecked).
      const reason = closed?.error?.message ?? /** @type {any} */ (globalThis).chrome?.runtime?.lastError?.message;
      // Queued behind the messages that arrived before it: the host's last words (an error
      // envelope, pairing.complete) are still handled.
      this.#inbox = this.#inbox
        .then(() => this.closed(port, reason))
        .catch((error) => this.#hooks.log('warn', `disconnect handling failed: ${error?.message}`));
    });
    return port;
  }

  /**
   * @param {Port} port
   * @param {unknown} envelope
   */
  #enqueue(port, envelope) {
    this.#heard.add(port);
    this.#inbox = this.#inbox
      .then(() => (port === this.port ? this.#hooks.onEnvelope(port, envelope) : undefined))
      .catch((error) => {
        if (port === this.port) this.#hooks.onUnexpected(port, error);
      });
  }

  /**
   * The port closed by itself (or failed to take a message). Ignored for a port that is no
   * longer the current one.
   * @param {Port} port
   * @param {string | undefined} reason
   */
  closed(port, reason) {
    if (port !== this.port) return;
    this.port = null;
    this.#hooks.onClosed(port, reason, this.#heard.has(port));
  }

  /**
   * Posts one envelope; a port that refuses it is treated as closed. The close is queued
   * behind what already arrived, as onDisconnect is, so the host's last words (an error
   * envelope written just before it exited) are still handled.
   * @param {Port} port
   * @param {object} envelope
   */
  post(port, envelope) {
    try {
      port.postMessage(envelope);
    } catch (error) {
      const message = /** @type {Error} */ (error).message;
      this.#inbox = this.#inbox
        .then(() => this.closed(port, message))
        .catch((failure) => this.#hooks.log('warn', `disconnect handling failed: ${failure?.message}`));
      throw this.#hooks.error('disconnected', message);
    }
  }

  /** Forgets the current port without closing it; returns it (or null). */
  detach() {
    const port = this.port;
    this.port = null;
    return port;
  }

  /** @param {Port | null} port */
  static disconnect(port) {
    if (!port) return;
    try {
      port.disconnect();
    } catch {
      // already closed
    }
  }
}
