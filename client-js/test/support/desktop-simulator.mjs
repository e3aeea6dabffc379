// A minimal desktop (plus host relay) that speaks docs/PROTOCOL.md as the responder, for driving
// BridgekeeperClient over FakePort: status messages, Noise XX, pairing with commitment,
// session.ready, RPC both ways, events. It reuses only the Noise objects from src/ (checked
// against the published vectors); framing, fragmentation, pairing hashes and the code are
// written here independently with node:crypto so the tests are not circular.

import { createHash, randomBytes } from 'node:crypto';
import { HandshakeState, generateKeyPair } from '../../src/noise.js';
import { FakePort } from './fake-port.mjs';

const PIECE = 65519;
const EMPTY = new Uint8Array(0);

export const b64 = (bytes) => Buffer.from(bytes).toString('base64');
export const unb64 = (text) => new Uint8Array(Buffer.from(text, 'base64'));
export const hex = (bytes) => Buffer.from(bytes).toString('hex');

function sha256(...parts) {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return new Uint8Array(hash.digest());
}

/** Section 5 step 4, computed with node:crypto. */
export function pairingCodeOf(h, extensionNonce, desktopNonce) {
  const digest = Buffer.from(sha256('bridgekeeper pairing code', h, extensionNonce, desktopNonce));
  return String(digest.readUInt32BE(0) % 1_000_000).padStart(6, '0');
}

export class DesktopSimulator {
  name = 'Test Desktop';
  version = '9.9.9';
  running = true;
  /** extension static key (hex) -> { name, callerId } */
  pairings = new Map();
  /** method -> async (params, { signal, connection }) => result; throw { code, message } for an RPC error */
  handlers = new Map();
  /** What the built-in ipc.discover reports (a handler for 'ipc.discover' replaces it). */
  channels = { ipc: '1.0.0', biometric: '1.0.0' };
  /** Decides a pairing: async ({ code, name, callerId }) => boolean. */
  decide = async () => true;
  /** Injection points for deterministic runs. */
  ephemeralFactory = generateKeyPair;
  random = (length) => new Uint8Array(randomBytes(length));
  /** Test switches. */
  answerHandshake = true;
  cheatOnReveal = false;
  connections = [];
  events = [];
  requests = [];
  cancels = [];
  errors = [];
  pairingAttempts = [];

  constructor(staticKeyPair) {
    this.staticKeyPair = staticKeyPair;
  }

  static async create() {
    return new DesktopSimulator(await generateKeyPair());
  }

  /** A port factory for the client, as the browser + host would make for `callerId`. */
  portFactory(callerId) {
    return () => this.connect(callerId);
  }

  connect(callerId) {
    const port = new FakePort();
    this.connections.push(new DesktopConnection(this, port, callerId));
    return port;
  }

  get current() {
    return this.connections.at(-1);
  }

  /** The desktop app quits: the host tells every extension and keeps waiting. */
  stop() {
    this.running = false;
    for (const connection of this.connections) connection.desktopGone();
  }

  /** The desktop app is back: the host reconnects and reports `connected`. */
  start() {
    this.running = true;
    for (const connection of this.connections) connection.desktopBack();
  }

  publish(topic, payload) {
    for (const connection of this.connections) if (connection.phase === 'ready') connection.sendIpc(topic, payload);
  }
}

class DesktopConnection {
  phase = 'none';
  received = [];
  #desktop;
  #callerId;
  #handshake = null;
  #send = null;
  #receive = null;
  #pieces = [];
  #inbox = Promise.resolve();
  #outbox = Promise.resolve();
  #nextRequest = 0;
  #pendingRequests = new Map();
  #serving = new Map();
  tamperNext = false;
  strayFrames = 0;

  constructor(desktop, port, callerId) {
    this.#desktop = desktop;
    this.#callerId = callerId;
    this.port = port;
    port.onHostMessage = (message) => {
      this.received.push(message);
      this.#inbox = this.#inbox.then(() => this.#handle(message)).catch((error) => {
        this.lastError = error;
      });
    };
    port.onHostDisconnect = () => this.#reset('none');
    setImmediate(() => (desktop.running ? this.desktopBack() : this.desktopGone()));
  }

  get open() {
    return this.port.connected;
  }

  desktopGone() {
    if (!this.open) return;
    this.#reset('unavailable');
    this.port.deliver({ type: 'status', state: 'desktop_unavailable', detail: 'socket absent' });
  }

  desktopBack() {
    if (!this.open) return;
    this.#reset('await-step1');
    this.port.deliver({ type: 'status', state: 'connected', desktop: { name: this.#desktop.name, version: this.#desktop.version } });
  }

  #reset(phase) {
    this.phase = phase;
    this.#handshake = null;
    this.#send = this.#receive = null;
    this.#pieces = [];
    for (const entry of this.#serving.values()) entry.controller.abort();
    this.#serving.clear();
  }

  /** The host process goes away (the extension sees onDisconnect with this message). */
  close(message) {
    this.#reset('none');
    this.port.close(message);
  }

  sendError(code, message) {
    this.port.deliver({ type: 'error', code, message });
    this.close();
  }

  async #handle(message) {
    switch (message.type) {
      case 'handshake': return this.#onHandshake(message);
      case 'secure': return this.#onSecure(message);
      case 'error':
        this.#desktop.errors.push(message);
        this.#reset('none');
        return;
      default:
        return this.sendError('protocol_error', `unexpected ${message.type}`);
    }
  }

  async #onHandshake({ step, data }) {
    if (step === 1 && this.phase === 'await-step1') {
      this.#handshake = await HandshakeState.initialize({
        protocolName: 'Noise_XX_25519_AESGCM_SHA256',
        initiator: false,
        prologue: new TextEncoder().encode(`bridgekeeper/1 ${this.#callerId}`),
        s: this.#desktop.staticKeyPair,
        ephemeralFactory: this.#desktop.ephemeralFactory,
      });
      await this.#handshake.readMessage(unb64(data));
      if (!this.#desktop.answerHandshake) return;
      const payload = JSON.stringify({ name: this.#desktop.name, version: this.#desktop.version, protocol: 1 });
      const message2 = await this.#handshake.writeMessage(new TextEncoder().encode(payload));
      this.phase = 'await-step3';
      this.port.deliver({ type: 'handshake', step: 2, data: b64(message2) });
    } else if (step === 3 && this.phase === 'await-step3') {
      let hello;
      try {
        hello = JSON.parse(new TextDecoder().decode(await this.#handshake.readMessage(unb64(data))));
      } catch {
        return this.sendError('handshake_failed', 'step 3 did not decrypt');
      }
      this.extension = { ...hello, key: this.#handshake.remoteStaticPublicKey };
      this.handshakeHash = this.#handshake.getHandshakeHash();
      ({ send: this.#send, receive: this.#receive } = this.#handshake.split());
      if (this.#desktop.pairings.has(hex(this.extension.key))) {
        this.phase = 'ready';
        await this.sendIpc('session.ready', { paired: true });
      } else {
        this.phase = 'pairing';
        this.desktopNonce = this.#desktop.random(32);
        await this.sendIpc('pairing.commit', { commitment: b64(sha256('bridgekeeper pairing commit', this.desktopNonce)) });
      }
    } else {
      this.sendError('handshake_failed', `step ${step} out of order`);
    }
  }

  async #onSecure({ data, more }) {
    if (!this.#receive) {
      // In flight from a session that ended when the desktop restarted (the extension had not
      // yet seen the new status); counted so tests can tell, otherwise ignored.
      this.strayFrames++;
      return;
    }
    let piece;
    try {
      piece = await this.#receive.decryptWithAd(EMPTY, unb64(data));
    } catch {
      return this.sendError('decrypt_failed', 'bad frame');
    }
    this.#pieces.push(piece);
    if (more === true) return;
    const bytes = Buffer.concat(this.#pieces);
    this.#pieces = [];
    const { topic, payload } = JSON.parse(bytes.toString('utf8'));
    await this.#onIpc(topic, payload);
  }

  async #onIpc(topic, payload) {
    switch (topic) {
      case 'pairing.nonce': return this.#onPairingNonce(payload);
      case 'rpc.request': return this.#onRequest(payload);
      case 'rpc.cancel': {
        this.#desktop.cancels.push(payload.id);
        const entry = this.#serving.get(payload.id);
        if (entry) {
          this.#serving.delete(payload.id);
          entry.controller.abort();
          await this.sendIpc('rpc.response', { id: payload.id, error: { code: -32007, message: 'cancelled' } });
        }
        return;
      }
      case 'rpc.response': {
        const pending = this.#pendingRequests.get(payload.id);
        this.#pendingRequests.delete(payload.id);
        pending?.(payload);
        return;
      }
      default:
        this.#desktop.events.push({ topic, payload });
    }
  }

  async #onPairingNonce(payload) {
    if (this.phase !== 'pairing') return this.sendError('protocol_error', 'unexpected pairing.nonce');
    const extensionNonce = unb64(payload.nonce);
    const revealed = this.#desktop.cheatOnReveal ? this.#desktop.random(32) : this.desktopNonce;
    await this.sendIpc('pairing.reveal', { nonce: b64(revealed) });
    const code = pairingCodeOf(this.handshakeHash, extensionNonce, this.desktopNonce);
    const attempt = { code, name: this.extension.name, callerId: this.#callerId };
    this.#desktop.pairingAttempts.push(attempt);
    const approved = await this.#desktop.decide(attempt);
    if (!this.open || this.phase !== 'pairing') return;
    if (approved) {
      this.#desktop.pairings.set(hex(this.extension.key), { name: this.extension.name, callerId: this.#callerId });
      await this.sendIpc('pairing.complete', { approved: true });
      this.phase = 'ready';
      await this.sendIpc('session.ready', { paired: true });
    } else {
      await this.sendIpc('pairing.complete', { approved: false });
      this.sendError('pairing_rejected', 'the user did not approve');
    }
  }

  async #onRequest({ id, method, params }) {
    this.#desktop.requests.push({ id, method });
    if (this.phase !== 'ready' && method !== 'ipc.discover') {
      return this.sendIpc('rpc.response', { id, error: { code: -32000, message: 'not paired' } });
    }
    const builtIn = method === 'ipc.discover'
      ? async () => ({ protocol: 1, desktop: { name: this.#desktop.name, version: this.#desktop.version }, channels: { ...this.#desktop.channels } })
      : undefined;
    const handler = this.#desktop.handlers.get(method) ?? builtIn;
    if (!handler) return this.sendIpc('rpc.response', { id, error: { code: -32601, message: `no method ${method}` } });
    const entry = { controller: new AbortController() };
    this.#serving.set(id, entry);
    (async () => {
      let response;
      try {
        response = { id, result: await handler(params, { signal: entry.controller.signal, connection: this }) };
      } catch (error) {
        response = { id, error: { code: error.code ?? -32603, message: error.message ?? 'failed', ...(error.data ? { data: error.data } : {}) } };
      }
      if (this.#serving.get(id) !== entry) return;
      this.#serving.delete(id);
      await this.sendIpc('rpc.response', response);
    })();
  }

  /** Desktop -> extension request; resolves with the rpc.response payload. */
  request(method, params = null, id = `d${++this.#nextRequest}`) {
    const answered = new Promise((resolve) => this.#pendingRequests.set(id, resolve));
    this.sendIpc('rpc.request', { id, method, params });
    return { id, answered };
  }

  /** Encrypts, fragments and delivers one IPC message; messages never interleave. */
  sendIpc(topic, payload) {
    const task = this.#outbox.then(async () => {
      if (!this.#send) return;
      const bytes = new TextEncoder().encode(JSON.stringify({ topic, payload }));
      const count = Math.max(1, Math.ceil(bytes.length / PIECE));
      for (let i = 0; i < count; i++) {
        const ciphertext = await this.#send.encryptWithAd(EMPTY, bytes.subarray(i * PIECE, (i + 1) * PIECE));
        if (this.tamperNext) {
          this.tamperNext = false;
          ciphertext[ciphertext.length - 1] ^= 0x01;
        }
        const envelope = { type: 'secure', data: b64(ciphertext) };
        if (i < count - 1) envelope.more = true;
        this.port.deliver(envelope);
      }
    });
    this.#outbox = task.catch(() => {});
    return task;
  }
}
