package dev.bridgekeeper.agent;

import java.io.IOException;
import java.util.Optional;

/**
 * Where the bridge keeps its two secrets sealed by the OS: the desktop's long-term private key
 * and the key that authenticates the pairing store. By default the bridge uses the store of the
 * OS (the Secret Service through libsecret on Linux, the Keychain on macOS, DPAPI on Windows);
 * an application that has its own protected storage supplies it with
 * {@link DesktopBridge.Builder#secretStore(SecretStore)}.
 *
 * <p>Keys are short printable strings the bridge chooses (they name the data directory, so two
 * applications on one account never share a secret). Secrets are small byte arrays (32 bytes);
 * the store must keep them exactly, and should keep them only for this OS user.
 *
 * <p>When {@link #unavailableReason()} says the store cannot be used now (no keyring running, a
 * headless session), the bridge keeps its keys in files protected by their mode only, says so
 * once at start and in {@code bridgekeeper status}. Implementations must be thread-safe.
 */
public interface SecretStore {
    /** A short name for logs and status, for example {@code Secret Service}. */
    String name();

    /**
     * Why this store cannot be used right now, or empty when it can. Asked once when the bridge
     * starts; it may take a moment (it may ask a daemon) but must not wait for a user.
     */
    Optional<String> unavailableReason();

    /** The secret kept under {@code key}, or empty when there is none. */
    Optional<byte[]> read(String key) throws IOException;

    /** Keeps {@code secret} under {@code key}, replacing any; durable when it returns. */
    void write(String key, byte[] secret) throws IOException;

    /** Removes the secret under {@code key}; false if there was none. */
    boolean delete(String key) throws IOException;
}
