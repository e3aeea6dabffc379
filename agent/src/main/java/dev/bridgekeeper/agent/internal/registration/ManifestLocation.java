package dev.bridgekeeper.agent.internal.registration;

import java.nio.file.Path;
import java.util.Objects;

/** One place a browser looks for the host manifest, in its read order. */
public sealed interface ManifestLocation {

    /** True for per-user places, which the NativeMessagingUserLevelHosts policy can switch off. */
    boolean userLevel();

    /** Where, for a person. */
    String display();

    /**
     * A folder that holds {@code <host name>.json} (Linux, macOS).
     *
     * @param dir       the folder
     * @param userLevel whether it is a per-user folder
     */
    record Folder(Path dir, boolean userLevel) implements ManifestLocation {
        public Folder {
            Objects.requireNonNull(dir, "dir");
        }

        @Override
        public String display() {
            return dir.toString();
        }
    }

    /**
     * A registry key whose default value is the manifest's absolute path (Windows).
     *
     * @param key the key
     */
    record Registry(RegistryKey key) implements ManifestLocation {
        public Registry {
            Objects.requireNonNull(key, "key");
        }

        @Override
        public boolean userLevel() {
            return key.hive() == RegistryReader.Hive.HKCU;
        }

        @Override
        public String display() {
            return key.display();
        }
    }
}
