package dev.bridgekeeper.agent.internal.secure;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bridgekeeper.noise.KeyPair;
import java.io.IOException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;

/**
 * The desktop's long-term X25519 identity (its Noise static key), kept in {@code identity.key} in
 * the agent's data directory: mode 0600, written atomically, checksummed, the private half sealed
 * by the OS where it can ({@link KeyProtection}). Extensions pin its public half at pairing, so
 * losing or replacing it means every extension must pair again: a damaged file is reported, never
 * silently replaced.
 */
public final class IdentityStore {
    static final String FORMAT = "bridgekeeper-identity";
    public static final String FILE_NAME = "identity.key";

    private static final ObjectMapper JSON = new ObjectMapper();

    private IdentityStore() {}

    /** Loads the identity in {@code dataDir}, creating one on first use. */
    public static KeyPair loadOrCreate(Path dataDir) throws IOException {
        return loadOrCreate(dataDir, KeyProtection.forThisOs(), new SecureRandom());
    }

    static KeyPair loadOrCreate(Path dataDir, KeyProtection protection, SecureRandom random) throws IOException {
        AtomicFiles.ensurePrivateDirectory(dataDir);
        Path file = dataDir.resolve(FILE_NAME);
        AtomicFiles.removeLeftovers(file);
        Optional<byte[]> body = StoreFile.read(file, FORMAT);
        if (body.isPresent()) {
            return parse(file, body.get());
        }
        KeyPair created = KeyPair.generate(random);
        ObjectNode n = JSON.createObjectNode();
        n.put("publicKey", Base64.getEncoder().encodeToString(created.publicKey()));
        n.put("protection", protection.name());
        byte[] priv = created.privateKey();
        byte[] sealed = protection.seal(priv);
        Arrays.fill(priv, (byte) 0);
        n.put("privateKey", Base64.getEncoder().encodeToString(sealed));
        n.put("created", Instant.now().toString());
        byte[] bytes = JSON.writeValueAsBytes(n);
        try {
            StoreFile.write(file, FORMAT, bytes);
        } finally {
            Arrays.fill(bytes, (byte) 0);
            Arrays.fill(sealed, (byte) 0);
        }
        return created;
    }

    private static KeyPair parse(Path file, byte[] body) throws IOException {
        byte[] priv = null;
        try {
            JsonNode n = JSON.readTree(body);
            byte[] pub = Base64.getDecoder().decode(n.path("publicKey").asText());
            KeyProtection protection = KeyProtection.named(n.path("protection").asText());
            byte[] sealed = Base64.getDecoder().decode(n.path("privateKey").asText());
            priv = protection.open(sealed);
            KeyPair pair = KeyPair.fromPrivate(priv);
            if (!MessageDigest.isEqual(pair.publicKey(), pub)) {
                throw new CorruptStoreException(file, "its private and public keys do not belong together");
            }
            return pair;
        } catch (CorruptStoreException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new CorruptStoreException(file, "it cannot be read as an identity: " + e.getClass().getSimpleName());
        } finally {
            if (priv != null) {
                Arrays.fill(priv, (byte) 0);
            }
            Arrays.fill(body, (byte) 0);
        }
    }
}
