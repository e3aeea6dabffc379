// @ts-check
// The Noise XX handshake as initiator (docs/PROTOCOL.md section 3): step 1 when the host says
// `connected`, step 2 checked against the pinned desktop key before step 3 is sent, then the
// secure channel and the deadline for session.ready.

import { constantTimeEqual, fromBase64, toBase64 } from './bytes.js';
import { HandshakeState } from './noise.js';
import { NOISE_PROTOCOL_NAME } from './protocol.js';
import { SecureChannel } from './secure-channel.js';
import { handshakePayload, parseHandshakePayload, prologue } from './wire.js';

/** @typedef {import('./connection.js').Connection} Connection */
/** @typedef {import('./types.js').Port} Port */

/**
 * Starts a new session on `port` and sends handshake step 1.
 * @param {Connection} conn
 * @param {Port} port
 */
export async function beginHandshake(conn, port) {
  const session = conn.newSession(port);
  conn.setState('handshaking', null);
  session.timer = setTimeout(() => {
    if (conn.isCurrent(session) && session.phase === 'handshake') {
      conn.fatal(conn.errorFor('handshake_failed', `handshake did not finish within ${conn.handshakeTimeoutMs} ms`), { send: 'handshake_failed' });
    }
  }, conn.handshakeTimeoutMs);

  let staticKey;
  try {
    staticKey = await conn.keyStore.loadStaticKeyPair();
  } catch (error) {
    if (/** @type {Error} */ (error)?.name !== 'NotSupportedError') throw error;
    conn.fatal(conn.errorFor('unsupported_browser', /** @type {Error} */ (error).message), { terminal: true });
    return;
  }
  if (!conn.isCurrent(session)) return;
  session.handshake = await HandshakeState.initialize({
    protocolName: NOISE_PROTOCOL_NAME,
    initiator: true,
    prologue: prologue(conn.callerId),
    s: staticKey,
    ephemeralFactory: conn.ephemeralFactory,
  });
  const message1 = await session.handshake.writeMessage();
  if (!conn.isCurrent(session)) return;
  conn.post(port, { type: 'handshake', step: 1, data: toBase64(message1) });
}

/**
 * Handles handshake step 2 and answers with step 3.
 * @param {Connection} conn
 * @param {{ step: number, data: string }} envelope
 */
export async function onHandshake(conn, envelope) {
  const session = conn.session;
  if (!session || session.phase !== 'handshake' || !session.handshake || envelope.step !== 2) {
    conn.fatal(conn.errorFor('handshake_failed', `handshake step ${envelope.step} out of order`), { send: 'handshake_failed' });
    return;
  }
  const handshake = session.handshake;
  let desktopHello;
  try {
    desktopHello = parseHandshakePayload(await handshake.readMessage(fromBase64(envelope.data)));
  } catch (error) {
    if (!conn.isCurrent(session)) return;
    conn.fatal(conn.errorFor('handshake_failed', `step 2 rejected: ${/** @type {Error} */ (error).message}`), { send: 'handshake_failed' });
    return;
  }
  const desktopKey = /** @type {Uint8Array} */ (handshake.remoteStaticPublicKey);
  const pinned = await conn.keyStore.getPinnedDesktopKey();
  if (!conn.isCurrent(session)) return;
  conn.paired = pinned !== null;
  // Checked before step 3, so an impostor never even learns this extension's static key.
  if (pinned && !constantTimeEqual(pinned, desktopKey)) {
    conn.fatal(conn.errorFor('desktop_identity_changed', 'desktop identity changed'), { send: 'handshake_failed', terminal: true });
    return;
  }
  const message3 = await handshake.writeMessage(handshakePayload(conn.identity));
  if (!conn.isCurrent(session)) return;
  conn.post(session.port, { type: 'handshake', step: 3, data: toBase64(message3) });

  const { send, receive } = handshake.split();
  session.handshakeHash = handshake.getHandshakeHash();
  session.handshake = null;
  session.desktopKey = desktopKey;
  session.knownDesktop = pinned !== null;
  session.channel = new SecureChannel({
    send,
    receive,
    maxMessageBytes: conn.maxMessageBytes,
    post: (out) => {
      // The port can outlive the session (desktop_unavailable, then connected): pieces still
      // queued for the old session must not reach the next one.
      if (!conn.isCurrent(session)) throw conn.errorFor('disconnected', 'session ended');
      conn.post(session.port, out);
    },
  });
  session.phase = 'secure';
  conn.desktop = { name: desktopHello.name, version: desktopHello.version };
  clearTimeout(session.timer);
  session.timer = setTimeout(() => {
    if (conn.isCurrent(session) && session.phase === 'secure') {
      const code = session.pairing ? 'pairing_rejected' : 'protocol_error';
      conn.fatal(conn.errorFor(code, 'session.ready did not arrive in time'), { send: code, terminal: code === 'pairing_rejected' });
    }
  }, conn.setupTimeoutMs);
  conn.log('info', 'handshake complete');
  conn.emitState();
  conn.rpc.flush(session);
}
