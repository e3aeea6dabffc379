package dev.bridgekeeper.agent.internal.keystore;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The Keychain store's decisions against a binding that behaves as SecItem* documents (duplicate
 * on add, not-found on copy and delete); the JNA binding itself is unverified on hardware.
 */
class KeychainStoreTest {
    /** Items by service/account, with the OSStatus codes of SecBase.h. */
    static final class DocumentedKeychain implements KeychainStore.Keychain {
        final Map<String, byte[]> items = new HashMap<>();
        final List<String> calls = new ArrayList<>();
        int forcedStatus;

        @Override
        public int add(String service, String account, byte[] data) {
            calls.add("add " + account);
            if (forcedStatus != 0) {
                return forcedStatus;
            }
            return items.putIfAbsent(service + "/" + account, data.clone()) == null ? 0 : KeychainStore.ERR_SEC_DUPLICATE_ITEM;
        }

        @Override
        public int copy(String service, String account, byte[][] out) {
            calls.add("copy " + account);
            if (forcedStatus != 0) {
                return forcedStatus;
            }
            byte[] b = items.get(service + "/" + account);
            if (b == null) {
                return KeychainStore.ERR_SEC_ITEM_NOT_FOUND;
            }
            out[0] = b.clone();
            return 0;
        }

        @Override
        public int delete(String service, String account) {
            calls.add("delete " + account);
            return items.remove(service + "/" + account) != null ? 0 : KeychainStore.ERR_SEC_ITEM_NOT_FOUND;
        }
    }

    @Test
    void storesReadsReplacesAndDeletes() throws Exception {
        DocumentedKeychain k = new DocumentedKeychain();
        KeychainStore store = new KeychainStore(k);
        assertTrue(store.read("a").isEmpty());
        store.write("a", new byte[] {1});
        store.write("a", new byte[] {2});
        assertArrayEquals(new byte[] {2}, store.read("a").orElseThrow());
        assertEquals(List.of("copy a", "add a", "add a", "delete a", "add a", "copy a"), k.calls);
        assertTrue(store.delete("a"));
        assertFalse(store.delete("a"));
        assertTrue(k.items.isEmpty());
    }

    @Test
    void aLockedKeychainIsUnavailableWithAClearReason() {
        DocumentedKeychain k = new DocumentedKeychain();
        k.forcedStatus = KeychainStore.ERR_SEC_INTERACTION_NOT_ALLOWED;
        KeychainStore store = new KeychainStore(k);
        assertTrue(store.unavailableReason().orElseThrow().contains("locked"));
        IOException e = assertThrows(IOException.class, () -> store.write("a", new byte[] {1}));
        assertTrue(e.getMessage().contains("errSecInteractionNotAllowed"), e.getMessage());
        k.forcedStatus = -1;
        assertTrue(store.unavailableReason().orElseThrow().contains("OSStatus -1"));
    }
}
