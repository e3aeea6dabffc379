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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pairings the desktop's user approved, in {@code pairings.json} in the agent's data
 * directory (a {@link SessionRepository}). Every change is written atomically and durably before it
 * is acknowledged (see {@link AtomicFiles}): a crash or a full disk at any point leaves the old or
 * the new list, never a damaged one, and a failed write changes nothing in memory either. A file
 * that is damaged when the agent starts is reported ({@link CorruptStoreException}) and left alone.
 *
 * <p>The file holds public keys, names and caller ids: nothing secret, but trust: a key added to
 * it would be an extension the user never approved. So it is authenticated (HMAC-SHA256 under a
 * key sealed by the OS, {@link KeyStorage}); a file changed by anyone without that key is reported
 * at start, kept aside as {@code pairings.json.rejected}, and its pairings are not trusted: those
 * extensions pair again. A file from before authentication (v1) is accepted once, when the key is
 * first made, and rewritten authenticated.
 */
public final class PairingStore implements SessionRepository {
    static final String FORMAT = "bridgekeeper-pairings";
    public static final String FILE_NAME = "pairings.json";

    private static final ObjectMapper JSON = new ObjectMapper();

    private static final Logger log = LoggerFactory.getLogger(PairingStore.class);
    public static final String REJECTED_SUFFIX = ".rejected";

    private final Path file;
    private final byte[] key;
    /** Why the file found at start was not trusted; null when it was (or there was none). */
    private final String rejection;
    /** In insertion (oldest first) order; replaced wholesale only after a successful write. */
    private Map<String, PairingRecord> records;

    private PairingStore(Path file, byte[] key, String rejection, Map<String, PairingRecord> records) {
        this.file = file;
        this.key = key;
        this.rejection = rejection;
        this.records = records;
    }

    /** Opens the store in {@code dataDir} with the OS's own key storage (creating the directory 0700 if needed). */
    public static PairingStore open(Path dataDir) throws IOException {
        return open(KeyStorage.openDefault(dataDir));
    }

    /** Opens the store in the data directory of {@code keys}, authenticated with its pairing key. */
    public static PairingStore open(KeyStorage keys) throws IOException {
        Path file = keys.dataDir().resolve(FILE_NAME);
        AtomicFiles.removeLeftovers(file);
        KeyStorage.PairingKey pk = keys.pairingKey();
        StoreFile.Loaded loaded = StoreFile.readAuthenticated(file, FORMAT, pk.key());
        Map<String, PairingRecord> records = new LinkedHashMap<>();
        String rejection = null;
        if (loaded instanceof StoreFile.Authentic a) {
            addAll(records, parse(file, a.body()));
        } else if (loaded instanceof StoreFile.Legacy l && pk.fresh()) {
            addAll(records, parse(file, l.body()));
            StoreFile.writeAuthenticated(file, FORMAT, serialize(records.values()), pk.key());
            log.info("the pairing store {} is now authenticated ({} pairing(s) kept)", file, records.size());
        } else if (loaded instanceof StoreFile.Legacy) {
            rejection = "it is an unauthenticated (v1) file, but this agent already authenticates its pairings";
        } else if (loaded instanceof StoreFile.Rejected r) {
            rejection = r.reason();
        }
        if (rejection != null) {
            Path aside = file.resolveSibling(FILE_NAME + REJECTED_SUFFIX);
            java.nio.file.Files.move(file, aside, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            rejection = file + " was changed outside the agent (" + rejection + "); none of its pairings is trusted, "
                    + "those extensions must pair again. It was kept as " + aside.getFileName() + " for inspection.";
            log.error("pairing store: {}", rejection);
        }
        return new PairingStore(file, pk.key(), rejection, records);
    }

    private static void addAll(Map<String, PairingRecord> records, List<PairingRecord> list) {
        for (PairingRecord r : list) {
            records.put(r.id(), r);
        }
    }

    /** Why the file found at start was not trusted (then the store started empty). */
    public Optional<String> rejection() {
        return Optional.ofNullable(rejection);
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
            StoreFile.writeAuthenticated(file, FORMAT, serialize(next.values()), key);
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
