package dev.bridgekeeper.agent.internal.keystore;

import dev.bridgekeeper.agent.SecretStore;
import java.nio.file.Path;
import java.util.Locale;

/** The OS's own {@link SecretStore}. */
public final class SecretStores {
    private SecretStores() {}

    /**
     * Secret Service on Linux and other Unixes, the Keychain on macOS, DPAPI on Windows (its sealed
     * blobs in {@code dataDirectory/sealed}).
     */
    public static SecretStore forThisOs(Path dataDirectory) {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        if (os.startsWith("windows")) {
            return new DpapiStore(dataDirectory.resolve("sealed"));
        }
        if (os.startsWith("mac")) {
            return new KeychainStore();
        }
        return new SecretServiceStore();
    }
}
