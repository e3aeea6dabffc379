// @ts-check
// Secure messages (docs/PROTOCOL.md section 4) and the dispatch of the IPC messages inside
// them (section 6) to pairing, RPC and event subscribers.

import { NoiseDecryptError } from './noise.js';
import { onPairingCommit, onPairingComplete, onPairingReveal, onSessionReady } from './pairing.js';
import { TOPICS } from './protocol.js';
import { sniffRequestId } from './rpc.js';
import { isReservedTopic, parseIpcMessage } from './wire.js';

/** @typedef {import('./connection.js').Connection} Connection */
/** @typedef {import('./types.js').Session} Session */

/**
 * Decrypts one secure frame; a complete message goes to onIpc.
 * @param {Connection} conn
 * @param {{ data: string, more?: boolean }} envelope
 */
export async function onSecure(conn, envelope) {
  const session = conn.session;
  if (!session?.channel) {
    conn.protocolViolation('secure message before the handshake finished');
    return;
  }
  let result;
  try {
    result = await session.channel.receive(envelope);
  } catch (error) {
    if (!conn.isCurrent(session)) return;
    if (error instanceof NoiseDecryptError) {
      conn.fatal(conn.errorFor('decrypt_failed', 'a secure frame failed authentication'), { send: 'decrypt_failed' });
    } else {
      conn.protocolViolation(/** @type {Error} */ (error).message);
    }
    return;
  }
  if (!result || !conn.isCurrent(session)) return;
  if ('tooLarge' in result) {
    onTooLarge(conn, session, result);
    return;
  }
  let message;
  try {
    message = parseIpcMessage(result.bytes);
  } catch (error) {
    conn.protocolViolation(/** @type {Error} */ (error).message);
    return;
  }
  await onIpc(conn, session, message);
}

/**
 * @param {Connection} conn
 * @param {Session} session
 * @param {{ head: Uint8Array, size: number }} tooLarge
 */
function onTooLarge(conn, session, { head, size }) {
  const id = sniffRequestId(head);
  conn.log('warn', `incoming message of ${size} bytes over the ${conn.maxMessageBytes}-byte limit`);
  if (id !== null) {
    conn.rpc.respondError(session, id, 'too_large', `request of ${size} bytes is over the limit of ${conn.maxMessageBytes}`);
  } else {
    conn.fatal(conn.errorFor('frame_too_large', `message of ${size} bytes is over the limit`), { send: 'frame_too_large' });
  }
}

/**
 * @param {Connection} conn
 * @param {Session} session
 * @param {{ topic: string, payload: any }} message
 */
async function onIpc(conn, session, { topic, payload }) {
  switch (topic) {
    case TOPICS.pairingCommit: return onPairingCommit(conn, session, payload);
    case TOPICS.pairingReveal: return onPairingReveal(conn, session, payload);
    case TOPICS.pairingComplete: return onPairingComplete(conn, session, payload);
    case TOPICS.sessionReady: return onSessionReady(conn, session, payload);
    case TOPICS.rpcResponse: return conn.rpc.onResponse(session, payload);
    case TOPICS.rpcRequest: return conn.rpc.onRequest(session, payload);
    case TOPICS.rpcCancel: return conn.rpc.onCancel(session, payload);
    case TOPICS.pairingRevoked:
      conn.deliverEvent(topic, payload);
      // The desktop closes the connection next; waiting for the user avoids re-prompting at once.
      conn.fatal(conn.errorFor('pairing_revoked'), { terminal: true });
      return;
    default:
      if (isReservedTopic(topic)) {
        conn.log('info', `ignored reserved topic ${topic}`);
      } else if (session.phase === 'ready') {
        conn.deliverEvent(topic, payload);
      } else {
        conn.log('info', `ignored event ${topic} before session.ready`);
      }
  }
}
