package dev.bridgekeeper.agent.internal.ipc;

import java.util.List;
import java.util.Optional;

/**
 * Persists trust: the pairings a desktop's user approved. The {@link IpcClient} owns one and hands
 * it to each crypto session ({@link CryptoProvider.SessionIo#sessions()}).
 *
 * <p>Implementations are thread-safe. At most one record exists per id and at most one per static
 * public key: saving a record whose key belongs to a record with another id replaces that record.
 */
public interface SessionRepository {

    /** The pairing whose static public key equals {@code staticPublicKey}, compared in constant time. */
    Optional<PairingRecord> findByKey(byte[] staticPublicKey);

    /** The pairing whose key has this fingerprint ({@link PairingRecord#fingerprintOf(byte[])}). */
    Optional<PairingRecord> findByFingerprint(String keyFingerprint);

    /** The pairing with this id. */
    Optional<PairingRecord> findById(String id);

    /** Inserts or replaces (by id, and by key as above) a pairing, durably before returning. */
    void save(PairingRecord record);

    /** Removes a pairing; returns false if there was none with this id. */
    boolean remove(String id);

    /** Every pairing, oldest first. */
    List<PairingRecord> list();
}
