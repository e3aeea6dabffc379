package dev.bridgekeeper.agent.internal.ipc;

/**
 * The identity a {@link CryptoProvider} session established for its peer.
 *
 * @param name the peer's name from its handshake payload; may be null
 * @param keyFingerprint the fingerprint of the peer's static public key (see {@link
 *     PairingRecord#fingerprintOf(byte[])}); may be null
 */
public record PeerIdentity(String name, String keyFingerprint) {

    /** An identity with nothing known (for sessions without authentication). */
    public static final PeerIdentity ANONYMOUS = new PeerIdentity(null, null);
}
