package dev.bridgekeeper.agent.internal.ipc;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * One trusted peer: an extension the desktop's user approved (PROTOCOL.md §5).
 *
 * @param id stable id of the pairing (used to revoke it)
 * @param name the extension's name from its handshake payload
 * @param callerId the caller id the host reported when it was paired
 * @param staticPublicKey the peer's long-term public key (copied in and out)
 * @param created when the user approved it
 * @param lastSeen when a session with it last became ready; null if never since pairing
 */
public record PairingRecord(
        String id, String name, String callerId, byte[] staticPublicKey, Instant created, Instant lastSeen) {

    public PairingRecord {
        Objects.requireNonNull(id, "id");
        if (id.isBlank()) {
            throw new IllegalArgumentException("pairing id must not be blank");
        }
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(callerId, "callerId");
        Objects.requireNonNull(staticPublicKey, "staticPublicKey");
        if (staticPublicKey.length == 0) {
            throw new IllegalArgumentException("static public key must not be empty");
        }
        staticPublicKey = staticPublicKey.clone();
        Objects.requireNonNull(created, "created");
    }

    /** A copy of the peer's static public key. */
    @Override
    public byte[] staticPublicKey() {
        return staticPublicKey.clone();
    }

    /** The same pairing seen again at {@code when}. */
    public PairingRecord withLastSeen(Instant when) {
        return new PairingRecord(id, name, callerId, staticPublicKey, created, when);
    }

    /** This pairing's key fingerprint, see {@link #fingerprintOf(byte[])}. */
    public String fingerprint() {
        return fingerprintOf(staticPublicKey);
    }

    /** True when {@code key} is this pairing's static public key (constant-time comparison). */
    public boolean hasKey(byte[] key) {
        return MessageDigest.isEqual(staticPublicKey, key);
    }

    /** A public key's fingerprint: lowercase hex of SHA-256 over the raw key bytes. */
    public static String fingerprintOf(byte[] publicKey) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(publicKey));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every JDK", e);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PairingRecord p
                && id.equals(p.id) && name.equals(p.name) && callerId.equals(p.callerId)
                && Arrays.equals(staticPublicKey, p.staticPublicKey)
                && created.equals(p.created) && Objects.equals(lastSeen, p.lastSeen);
    }

    @Override
    public int hashCode() {
        return Objects.hash(id, name, callerId, Arrays.hashCode(staticPublicKey), created, lastSeen);
    }

    @Override
    public String toString() {
        // The name is peer-chosen; keep log lines short and single-line.
        String shortName = name.length() > 64 ? name.substring(0, 64) + "…" : name;
        return "PairingRecord[id=" + id + ", name=" + shortName.replaceAll("\\p{Cntrl}", "?")
                + ", callerId=" + callerId.replaceAll("\\p{Cntrl}", "?")
                + ", fingerprint=" + fingerprint().substring(0, 16) + ", created=" + created
                + ", lastSeen=" + lastSeen + "]";
    }
}
