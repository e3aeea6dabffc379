package dev.bridgekeeper.agent.internal.registration;

import java.io.IOException;

/**
 * Writes the host's registry keys (64-bit view, as install.ps1 does and every browser reads). An
 * interface so that the registration logic is tested on any OS; the real one is {@link JnaRegistry}.
 */
public interface RegistryWriter {

    /** Creates the key (and its parents) and sets its default value. */
    void setDefault(RegistryReader.Hive hive, String path, String value) throws IOException;

    /** Deletes the key; nothing happens when it does not exist. */
    void deleteKey(RegistryReader.Hive hive, String path) throws IOException;
}
