package dev.bridgekeeper.agent.internal.secure;

import dev.bridgekeeper.agent.internal.ipc.PairingRecord;
import dev.bridgekeeper.agent.internal.ipc.PeerIdentity;

/**
 * What a finished handshake established, fixed for the rest of the session: the peer's static
 * key and its handshake payload, and the handshake hash the pairing code is derived from.
 */
record SessionContext(byte[] peerStaticKey, byte[] handshakeHash, String peerName, String peerVersion) {

    /** The peer's key fingerprint, as pairing records and logs name it. */
    String peerFingerprint() {
        return PairingRecord.fingerprintOf(peerStaticKey);
    }

    /** How the IPC layer names the peer once the session is ready. */
    PeerIdentity peerIdentity() {
        return new PeerIdentity(peerName, peerFingerprint());
    }
}
