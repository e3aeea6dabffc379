package dev.bridgekeeper.agent.internal.secure;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bridgekeeper.agent.internal.ipc.PairingRecord;
import dev.bridgekeeper.agent.internal.ipc.SessionRepository;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The pairings the desktop's user approved, in {@code pairings.json} in the agent's data
 * directory (a {@link SessionRepository}). Every change is written atomically and durably before it
 * is acknowledged (see {@link AtomicFiles}): a crash or a full disk at any point leaves the old or
 * the new list, never a damaged one, and a failed write changes nothing in memory either. A file
 * that is damaged when the agent starts is reported ({@link CorruptStoreException}) and left alone.
 *
 * <p>The file holds public keys, names and caller ids: nothing secret.
 */
public final class PairingStore implements SessionRepository {
    static final String FORMAT = "bridgekeeper-pairings";
    public static final String FILE_NAME = "pairings.json";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;
    /** In insertion (oldest first) order; replaced wholesale only after a successful write. */
    private Map<String, PairingRecord> records;

    private PairingStore(Path file, Map<String, PairingRecord> records) {
        this.file = file;
        this.records = records;
    }

    /** Opens the store in {@code dataDir} (creating the directory 0700 if needed). */
    public static PairingStore open(Path dataDir) throws IOException {
        AtomicFiles.ensurePrivateDirectory(dataDir);
        Path file = dataDir.resolve(FILE_NAME);
        AtomicFiles.removeLeftovers(file);
        Optional<byte[]> body = StoreFile.read(file, FORMAT);
        Map<String, PairingRecord> records = new LinkedHashMap<>();
        if (body.isPresent()) {
            for (PairingRecord r : parse(file, body.get())) {
                records.put(r.id(), r);
            }
        }
        return new PairingStore(file, records);
    }

    public Path file() {
        return file;
    }

    @Override
    public synchronized Optional<PairingRecord> findByKey(byte[] staticPublicKey) {
        PairingRecord found = null;
        for (PairingRecord r : records.values()) {
            // Visit every record: how long the look-up takes says nothing about which key matched.
            if (r.hasKey(staticPublicKey) && found == null) {
                found = r;
            }
        }
        return Optional.ofNullable(found);
    }

    @Override
    public synchronized Optional<PairingRecord> findByFingerprint(String keyFingerprint) {
        return records.values().stream().filter(r -> r.fingerprint().equals(keyFingerprint)).findFirst();
    }

    @Override
    public synchronized Optional<PairingRecord> findById(String id) {
        return Optional.ofNullable(records.get(id));
    }

    /**
     * Saves durably before returning.
     *
     * @throws UncheckedIOException if the file cannot be written (for example the disk is full);
     *                              the store is then unchanged, in memory and on disk
     */
    @Override
    public synchronized void save(PairingRecord record) {
        Map<String, PairingRecord> next = new LinkedHashMap<>();
        for (PairingRecord r : records.values()) {
            if (!r.id().equals(record.id()) && !r.hasKey(record.staticPublicKey())) {
                next.put(r.id(), r);
            }
        }
        next.put(record.id(), record);
        commit(next);
    }

    @Override
    public synchronized boolean remove(String id) {
        if (!records.containsKey(id)) {
            return false;
        }
        Map<String, PairingRecord> next = new LinkedHashMap<>(records);
        next.remove(id);
        commit(next);
        return true;
    }

    @Override
    public synchronized List<PairingRecord> list() {
        return List.copyOf(records.values());
    }

    private void commit(Map<String, PairingRecord> next) {
        try {
            StoreFile.write(file, FORMAT, serialize(next.values()));
        } catch (IOException e) {
            throw new UncheckedIOException("could not save pairings to " + file + ": " + e.getMessage(), e);
        }
        records = next;
    }

    static byte[] serialize(Iterable<PairingRecord> records) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        ArrayNode list = root.putArray("pairings");
        for (PairingRecord r : records) {
            ObjectNode n = list.addObject();
            n.put("id", r.id());
            n.put("name", r.name());
            n.put("callerId", r.callerId());
            n.put("staticPublicKey", Base64.getEncoder().encodeToString(r.staticPublicKey()));
            n.put("created", r.created().toString());
            if (r.lastSeen() != null) {
                n.put("lastSeen", r.lastSeen().toString());
            }
        }
        return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root);
    }

    private static List<PairingRecord> parse(Path file, byte[] body) throws CorruptStoreException {
        try {
            JsonNode root = JSON.readTree(body);
            JsonNode list = root.get("pairings");
            if (list == null || !list.isArray()) {
                throw new CorruptStoreException(file, "it has no pairings list");
            }
            List<PairingRecord> out = new ArrayList<>();
            for (JsonNode n : list) {
                out.add(new PairingRecord(
                        n.get("id").textValue(),
                        n.get("name").textValue(),
                        n.get("callerId").textValue(),
                        Base64.getDecoder().decode(n.get("staticPublicKey").textValue()),
                        Instant.parse(n.get("created").textValue()),
                        n.hasNonNull("lastSeen") ? Instant.parse(n.get("lastSeen").textValue()) : null));
            }
            return out;
        } catch (CorruptStoreException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new CorruptStoreException(file, "a pairing in it cannot be read: " + e.getClass().getSimpleName());
        }
    }
}
