package dev.bridgekeeper.agent.internal.ipc;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/** A {@link SessionRepository} that forgets everything when the process ends (tests, embedding). */
public final class InMemorySessionRepository implements SessionRepository {

    private final Map<String, PairingRecord> byId = new LinkedHashMap<>();

    @Override
    public synchronized Optional<PairingRecord> findByKey(byte[] staticPublicKey) {
        Objects.requireNonNull(staticPublicKey, "staticPublicKey");
        PairingRecord found = null;
        // Visit every record so the time taken does not depend on where a match is.
        for (PairingRecord r : byId.values()) {
            if (r.hasKey(staticPublicKey)) {
                found = r;
            }
        }
        return Optional.ofNullable(found);
    }

    @Override
    public synchronized Optional<PairingRecord> findByFingerprint(String keyFingerprint) {
        Objects.requireNonNull(keyFingerprint, "keyFingerprint");
        return byId.values().stream().filter(r -> r.fingerprint().equals(keyFingerprint)).findFirst();
    }

    @Override
    public synchronized Optional<PairingRecord> findById(String id) {
        return Optional.ofNullable(byId.get(Objects.requireNonNull(id, "id")));
    }

    @Override
    public synchronized void save(PairingRecord record) {
        Objects.requireNonNull(record, "record");
        byId.values().removeIf(r -> !r.id().equals(record.id()) && r.hasKey(record.staticPublicKey()));
        byId.put(record.id(), record);
    }

    @Override
    public synchronized boolean remove(String id) {
        return byId.remove(Objects.requireNonNull(id, "id")) != null;
    }

    @Override
    public synchronized List<PairingRecord> list() {
        List<PairingRecord> all = new ArrayList<>(byId.values());
        all.sort(Comparator.comparing(PairingRecord::created));
        return all;
    }
}
