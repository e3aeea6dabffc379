package dev.bridgekeeper.agent.internal.secure;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bridgekeeper.noise.KeyPair;
import java.io.IOException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The desktop's long-term X25519 identity (its Noise static key). {@code identity.key} in the
 * agent's data directory (mode 0600, written atomically, checksummed) holds its public half and
 * says where the private half is: sealed by the OS ({@code "protection": "secret-store"}, see
 * {@link KeyStorage}) or, where no store is usable, in the file itself ({@code file-permissions},
 * or {@code dpapi} from older Windows agents, see {@link KeyProtection}).
 *
 * <p>Extensions pin the public half at pairing, so losing or replacing it means every extension
 * must pair again: a damaged file is reported, never silently replaced, and a key kept in the file
 * is moved into the store only after the store has given it back intact (a crash in between
 * leaves the file as it was, and the move is retried at the next start).
 */
public final class IdentityStore {
    private static final Logger log = LoggerFactory.getLogger(IdentityStore.class);
    static final String FORMAT = "bridgekeeper-identity";
    public static final String FILE_NAME = "identity.key";
    static final String SEALED = "secret-store";
    static final String IDENTITY_SECRET = "identity";

    private static final ObjectMapper JSON = new ObjectMapper();

    private IdentityStore() {}

    /** Loads the identity in {@code dataDir} with the OS's own store, creating one on first use. */
    public static KeyPair loadOrCreate(Path dataDir) throws IOException {
        return loadOrCreate(KeyStorage.openDefault(dataDir));
    }

    /** Loads the identity kept by {@code keys}, creating one on first use. */
    public static KeyPair loadOrCreate(KeyStorage keys) throws IOException {
        Path file = keys.dataDir().resolve(FILE_NAME);
        AtomicFiles.removeLeftovers(file);
        Optional<byte[]> body = StoreFile.read(file, FORMAT);
        if (body.isPresent()) {
            return load(keys, file, body.get());
        }
        KeyPair created = KeyPair.generate(keys.random());
        byte[] priv = created.privateKey();
        try {
            write(file, created.publicKey(), keys.trySeal(IDENTITY_SECRET, priv) ? null : priv, keys.storeName());
        } finally {
            Arrays.fill(priv, (byte) 0);
        }
        return created;
    }

    /** Writes the file: with {@code privateInFile} null the private key is in the store. */
    private static void write(Path file, byte[] publicKey, byte[] privateInFile, String storeName) throws IOException {
        ObjectNode n = JSON.createObjectNode();
        n.put("publicKey", Base64.getEncoder().encodeToString(publicKey));
        if (privateInFile == null) {
            n.put("protection", SEALED);
            n.put("store", storeName);
        } else {
            n.put("protection", KeyProtection.FilePermissions.INSTANCE.name());
            n.put("privateKey", Base64.getEncoder().encodeToString(privateInFile));
        }
        n.put("created", Instant.now().toString());
        byte[] bytes = JSON.writeValueAsBytes(n);
        try {
            StoreFile.write(file, FORMAT, bytes);
        } finally {
            Arrays.fill(bytes, (byte) 0);
        }
    }

    private static KeyPair load(KeyStorage keys, Path file, byte[] body) throws IOException {
        byte[] priv = null;
        try {
            JsonNode n;
            byte[] pub;
            String protection;
            try {
                n = JSON.readTree(body);
                pub = Base64.getDecoder().decode(n.path("publicKey").asText());
                protection = n.path("protection").asText();
            } catch (IOException | RuntimeException e) {
                throw new CorruptStoreException(file, "it cannot be read as an identity: " + e.getClass().getSimpleName());
            }
            boolean inFile = !SEALED.equals(protection);
            if (inFile) {
                try {
                    priv = KeyProtection.named(protection).open(Base64.getDecoder().decode(n.path("privateKey").asText()));
                } catch (RuntimeException e) {
                    throw new CorruptStoreException(file, "it cannot be read as an identity: " + e.getClass().getSimpleName());
                }
            } else {
                priv = readSealed(keys, file, n.path("store").asText("?"));
            }
            KeyPair pair;
            try {
                pair = KeyPair.fromPrivate(priv);
            } catch (RuntimeException e) {
                throw new CorruptStoreException(file, "its private key is not an X25519 key");
            }
            if (!MessageDigest.isEqual(pair.publicKey(), pub)) {
                throw new CorruptStoreException(file, inFile ? "its private and public keys do not belong together"
                        : "its public key does not belong to the private key sealed in " + keys.storeName());
            }
            if (inFile && KeyProtection.FilePermissions.INSTANCE.name().equals(protection) && keys.sealed()
                    && keys.trySeal(IDENTITY_SECRET, priv)) {
                // Sealed and read back intact: only now does the file lose its copy.
                write(file, pub, null, keys.storeName());
                log.info("the desktop identity's private key moved from {} into {}", file, keys.storeName());
            }
            return pair;
        } finally {
            if (priv != null) {
                Arrays.fill(priv, (byte) 0);
            }
            Arrays.fill(body, (byte) 0);
        }
    }

    private static byte[] readSealed(KeyStorage keys, Path file, String where) throws IOException {
        if (!keys.sealed()) {
            throw new IOException("the desktop identity's private key is sealed in " + where + ", which cannot be used now ("
                    + keys.notSealedReason().orElse("?") + "). Start the agent in a session where it is available "
                    + "(unlock the keyring); a new identity would make every extension pair again, so none is made.");
        }
        Optional<byte[]> priv;
        try {
            priv = keys.readSealed(IDENTITY_SECRET);
        } catch (IOException e) {
            throw new IOException("the desktop identity's private key could not be read from " + keys.storeName() + ": "
                    + e.getMessage(), e);
        }
        if (priv.isEmpty()) {
            throw new CorruptStoreException(file, "its private key is not in " + keys.storeName()
                    + " any more (the keyring item was deleted, or this is a copy from another account)");
        }
        return priv.get();
    }
}
