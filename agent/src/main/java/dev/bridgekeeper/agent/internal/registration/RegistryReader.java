package dev.bridgekeeper.agent.internal.registration;

import java.util.Map;
import java.util.Optional;

/**
 * Read-only access to the Windows registry. An interface so that the browsers' lookup order can
 * be replayed and tested on any OS; the real one is JNA-backed (bridgekeeper doctor).
 */
@FunctionalInterface
public interface RegistryReader {

    /** Registry roots the browsers read. */
    enum Hive { HKCU, HKLM }

    /** 32-bit (WOW6432Node) or 64-bit view of a key. */
    enum View { BITS_32, BITS_64 }

    /**
     * The values of a key, by name ({@code ""} is the default value); a value is a String for
     * REG_SZ/REG_EXPAND_SZ and an Integer for REG_DWORD. Empty when the key does not exist.
     */
    Optional<Map<String, Object>> values(Hive hive, View view, String path);

    /** A registry with no keys at all (every OS but Windows). */
    RegistryReader NONE = (hive, view, path) -> Optional.empty();
}
