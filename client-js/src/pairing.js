// @ts-check
// Pairing on first contact (docs/PROTOCOL.md section 5): commitment, nonces, the six-digit
// code, the desktop user's verdict, pinning the desktop key, and session.ready.

import { constantTimeEqual, fromBase64, toBase64 } from './bytes.js';
import { PAIRING_NONCE_LENGTH, TOPICS } from './protocol.js';
import { formatPairingCode, pairingCode, pairingCommitment } from './wire.js';

/** @typedef {import('./connection.js').Connection} Connection */
/** @typedef {import('./types.js').Session} Session */

/**
 * A 32-byte base64 nonce or commitment, else null.
 * @param {unknown} value
 * @returns {Uint8Array | null}
 */
function decodeNonce(value) {
  try {
    const bytes = fromBase64(/** @type {string} */ (value));
    if (bytes.length === PAIRING_NONCE_LENGTH) return bytes;
  } catch {
    // fall through
  }
  return null;
}

/**
 * pairing.commit: remember the commitment, answer with our nonce.
 * @param {Connection} conn
 * @param {Session} session
 * @param {any} payload
 */
export async function onPairingCommit(conn, session, payload) {
  if (session.phase !== 'secure' || session.pairing) return conn.protocolViolation('unexpected pairing.commit');
  const commitment = decodeNonce(payload?.commitment);
  if (!commitment) return conn.protocolViolation('pairing.commit needs a 32-byte base64 commitment');
  const extensionNonce = conn.random(PAIRING_NONCE_LENGTH);
  if (!(extensionNonce instanceof Uint8Array) || extensionNonce.length !== PAIRING_NONCE_LENGTH) {
    throw new Error('random source must return 32 bytes');
  }
  session.pairing = { stage: 'committed', commitment, extensionNonce };
  conn.setState('pairing', null);
  await conn.sendIpc(session, TOPICS.pairingNonce, { nonce: toBase64(extensionNonce) });
}

/**
 * pairing.reveal: check the commitment, then show the code.
 * @param {Connection} conn
 * @param {Session} session
 * @param {any} payload
 */
export async function onPairingReveal(conn, session, payload) {
  const pairing = session.pairing;
  if (pairing?.stage !== 'committed') return conn.protocolViolation('unexpected pairing.reveal');
  const desktopNonce = decodeNonce(payload?.nonce);
  if (!desktopNonce) return conn.protocolViolation('pairing.reveal needs a 32-byte base64 nonce');
  const expected = await pairingCommitment(desktopNonce);
  if (!conn.isCurrent(session)) return;
  if (!constantTimeEqual(expected, pairing.commitment)) {
    conn.fatal(conn.errorFor('pairing_failed', 'pairing commitment does not match the revealed nonce'), { send: 'pairing_rejected', terminal: true });
    return;
  }
  const code = await pairingCode(/** @type {Uint8Array} */ (session.handshakeHash), pairing.extensionNonce, desktopNonce);
  if (!conn.isCurrent(session)) return;
  pairing.stage = 'revealed';
  conn.pairingCode = { code, display: formatPairingCode(code) };
  conn.setState('pairing', null);
  conn.emit('pairing-code', { ...conn.pairingCode, desktop: conn.desktop });
}

/**
 * pairing.complete: the desktop user approved (pin the key) or rejected.
 * @param {Connection} conn
 * @param {Session} session
 * @param {any} payload
 */
export async function onPairingComplete(conn, session, payload) {
  const pairing = session.pairing;
  if (pairing?.stage !== 'revealed') return conn.protocolViolation('unexpected pairing.complete');
  if (payload?.approved === true) {
    // Pin now: from here on, a different desktop key is refused before step 3.
    await conn.keyStore.setPinnedDesktopKey(/** @type {Uint8Array} */ (session.desktopKey));
    if (!conn.isCurrent(session)) return;
    pairing.stage = 'approved';
    conn.paired = true;
    conn.pairingApproved = true;
    conn.emitState();
  } else if (payload?.approved === false) {
    conn.fatal(conn.errorFor('pairing_rejected', 'the desktop user did not approve'), { terminal: true });
  } else {
    conn.protocolViolation('pairing.complete needs approved true or false');
  }
}

/**
 * session.ready: calls and events may flow.
 * @param {Connection} conn
 * @param {Session} session
 * @param {any} payload
 */
export async function onSessionReady(conn, session, payload) {
  if (session.phase !== 'secure') return conn.protocolViolation('unexpected session.ready');
  if (session.pairing && session.pairing.stage !== 'approved') return conn.protocolViolation('session.ready before pairing was approved');
  if (payload?.paired !== true) return conn.protocolViolation('session.ready needs paired: true');
  if (!session.pairing && !session.knownDesktop) {
    // The desktop knows our key but we pinned nothing (the pin was forgotten on purpose):
    // trust this desktop from now on, as pairing would have.
    await conn.keyStore.setPinnedDesktopKey(/** @type {Uint8Array} */ (session.desktopKey));
    if (!conn.isCurrent(session)) return;
    conn.paired = true;
  }
  session.phase = 'ready';
  clearTimeout(session.timer);
  conn.reconnectAttempt = 0;
  conn.pairingCode = null;
  conn.setState('ready', null);
  conn.emit('ready', { desktop: conn.desktop, pairedNow: Boolean(session.pairing) });
  conn.rpc.flush(session);
}
