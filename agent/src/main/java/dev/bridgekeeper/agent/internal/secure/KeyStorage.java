package dev.bridgekeeper.agent.internal.secure;

import dev.bridgekeeper.agent.SecretStore;
import dev.bridgekeeper.agent.internal.keystore.SecretStores;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where one agent's two secrets live: sealed in a {@link SecretStore} when one is usable, else in
 * files of the data directory protected by their mode only (the fallback, reported once at start
 * and by {@link #description()}). The secrets are the desktop identity's private key
 * ({@link IdentityStore}) and the key that authenticates the pairing store ({@link PairingStore}).
 * Secrets are named after the data directory, so two agents of one user never share one.
 */
public final class KeyStorage {
    private static final Logger log = LoggerFactory.getLogger(KeyStorage.class);
    /** The pairing key in the fallback: a v1 store file holding the key in base64. */
    public static final String PAIRING_KEY_FILE = "pairings.key";
    static final String PAIRING_KEY_FORMAT = "bridgekeeper-pairings-key";
    static final int KEY_BYTES = 32;

    private final Path dataDir;
    private final SecretStore store;
    private final SecureRandom random;
    /** Null while the store is usable; why not, otherwise. */
    private volatile String notSealedBecause;

    private KeyStorage(Path dataDir, SecretStore store, SecureRandom random, String unavailable) {
        this.dataDir = dataDir;
        this.store = store;
        this.random = random;
        this.notSealedBecause = unavailable;
    }

    /**
     * Asks {@code store} (null: the OS's own) once whether it can be used, and says so in the log
     * when it cannot.
     */
    public static KeyStorage open(Path dataDir, SecretStore store) throws IOException {
        AtomicFiles.ensurePrivateDirectory(dataDir);
        SecretStore s = store != null ? store : SecretStores.forThisOs(dataDir);
        String unavailable;
        try {
            unavailable = s.unavailableReason().orElse(null);
        } catch (RuntimeException | LinkageError e) {
            unavailable = e.toString();
        }
        KeyStorage k = new KeyStorage(dataDir, s, new SecureRandom(), unavailable);
        if (unavailable != null) {
            log.warn("key storage: file (not sealed): {} is not available ({}); the identity and pairing keys stay "
                    + "in files of {} protected by their mode only", s.name(), unavailable, dataDir);
        }
        return k;
    }

    /** The OS's own store for {@code dataDir}. */
    public static KeyStorage openDefault(Path dataDir) throws IOException {
        return open(dataDir, null);
    }

    /** For {@code status}: {@code sealed (Secret Service)} or {@code file (not sealed)}. */
    public String description() {
        return notSealedBecause == null ? "sealed (" + store.name() + ")" : "file (not sealed)";
    }

    /** Why the keys are not sealed, if they are not. */
    public Optional<String> notSealedReason() {
        return Optional.ofNullable(notSealedBecause);
    }

    public boolean sealed() {
        return notSealedBecause == null;
    }

    String storeName() {
        return store.name();
    }

    Path dataDir() {
        return dataDir;
    }

    SecureRandom random() {
        return random;
    }

    /** The store's name for one of this agent's secrets. */
    String keyName(String secret) {
        return dataDir.toAbsolutePath().normalize() + "#" + secret;
    }

    /** Reads a sealed secret; the store must be usable. */
    Optional<byte[]> readSealed(String secret) throws IOException {
        return store.read(keyName(secret));
    }

    /**
     * Seals {@code value} and reads it back; on any failure the keys stay in files from now on,
     * which is reported (the caller keeps its file).
     */
    boolean trySeal(String secret, byte[] value) {
        if (!sealed()) {
            return false;
        }
        try {
            store.write(keyName(secret), value);
            byte[] back = store.read(keyName(secret)).orElse(new byte[0]);
            boolean same = MessageDigest.isEqual(back, value);
            Arrays.fill(back, (byte) 0);
            if (!same) {
                throw new IOException("it returned other bytes than were stored");
            }
            return true;
        } catch (IOException | RuntimeException e) {
            notSealedBecause = "sealing in " + store.name() + " failed: " + e.getMessage();
            log.warn("key storage: file (not sealed): could not seal the {} in {} ({}); it stays in a file of {}",
                    secret, store.name(), e.getMessage(), dataDir);
            return false;
        }
    }

    /** The pairing store's key, and whether it was made just now (no store was authenticated before). */
    record PairingKey(byte[] key, boolean fresh) {}

    static final String PAIRING_SECRET = "pairings-hmac";

    /** Finds or makes the pairing store's key, moving a file-kept one into the store when it can. */
    PairingKey pairingKey() throws IOException {
        Path file = dataDir.resolve(PAIRING_KEY_FILE);
        Optional<byte[]> inFile = StoreFile.read(file, PAIRING_KEY_FORMAT).map(b -> {
            try {
                return Base64.getDecoder().decode(b);
            } finally {
                Arrays.fill(b, (byte) 0);
            }
        });
        if (sealed()) {
            Optional<byte[]> sealedKey;
            try {
                sealedKey = readSealed(PAIRING_SECRET);
            } catch (IOException e) {
                notSealedBecause = store.name() + " failed: " + e.getMessage();
                log.warn("key storage: file (not sealed): {} could not be read ({})", store.name(), e.getMessage());
                sealedKey = Optional.empty();
            }
            if (sealedKey.isPresent()) {
                if (inFile.isPresent()) {
                    Files.deleteIfExists(file); // A migration that stopped before removing the file.
                }
                return new PairingKey(sealedKey.get(), false);
            }
            if (inFile.isPresent()) {
                if (trySeal(PAIRING_SECRET, inFile.get())) {
                    Files.deleteIfExists(file);
                    log.info("the pairing store's key is now sealed in {}", store.name());
                }
                return new PairingKey(inFile.get(), false);
            }
            byte[] fresh = new byte[KEY_BYTES];
            random.nextBytes(fresh);
            if (trySeal(PAIRING_SECRET, fresh)) {
                return new PairingKey(fresh, true);
            }
            writeKeyFile(file, fresh);
            return new PairingKey(fresh, true);
        }
        if (inFile.isPresent()) {
            return new PairingKey(inFile.get(), false);
        }
        byte[] fresh = new byte[KEY_BYTES];
        random.nextBytes(fresh);
        writeKeyFile(file, fresh);
        return new PairingKey(fresh, true);
    }

    private static void writeKeyFile(Path file, byte[] key) throws IOException {
        byte[] body = Base64.getEncoder().encode(key);
        try {
            StoreFile.write(file, PAIRING_KEY_FORMAT, body);
        } finally {
            Arrays.fill(body, (byte) 0);
        }
    }
}
