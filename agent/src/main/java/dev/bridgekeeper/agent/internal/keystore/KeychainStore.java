package dev.bridgekeeper.agent.internal.keystore;

import dev.bridgekeeper.agent.SecretStore;
import java.io.IOException;
import java.util.Optional;

/**
 * The macOS Keychain: each secret is a generic-password item of service {@code dev.bridgekeeper}
 * and account {@code <key>}, in the user's login keychain. The decisions (replace = delete then
 * add, which status codes mean "none" or "locked") are here and unit-tested; the calls into the
 * Security framework are behind {@link Keychain} ({@link JnaKeychain}).
 *
 * <p><b>UNVERIFIED ON HARDWARE</b>: written against Apple's documented SecItemAdd,
 * SecItemCopyMatching and SecItemDelete; no Mac was available to run it.
 */
public final class KeychainStore implements SecretStore {
    static final String SERVICE = "dev.bridgekeeper";
    /** OSStatus values of Security.framework's SecBase.h. */
    static final int ERR_SEC_SUCCESS = 0;
    static final int ERR_SEC_ITEM_NOT_FOUND = -25300;
    static final int ERR_SEC_DUPLICATE_ITEM = -25299;
    static final int ERR_SEC_INTERACTION_NOT_ALLOWED = -25308;
    static final int ERR_SEC_NO_SUCH_KEYCHAIN = -25294;
    static final int ERR_SEC_AUTH_FAILED = -25293;

    /** The three calls, one generic-password item each. */
    public interface Keychain {
        /** SecItemAdd; the OSStatus. */
        int add(String service, String account, byte[] data);

        /** SecItemCopyMatching with kSecReturnData; {@code out[0]} gets the data on success. */
        int copy(String service, String account, byte[][] out);

        /** SecItemDelete; the OSStatus. */
        int delete(String service, String account);
    }

    private final Keychain keychain;

    public KeychainStore() {
        this(null);
    }

    KeychainStore(Keychain keychain) {
        this.keychain = keychain;
    }

    private Keychain keychain() throws IOException {
        if (keychain != null) {
            return keychain;
        }
        try {
            return JnaKeychain.instance();
        } catch (UnsatisfiedLinkError | NoClassDefFoundError e) {
            throw new IOException("the Security framework cannot be loaded: " + e.getMessage(), e);
        }
    }

    @Override
    public String name() {
        return "macOS Keychain";
    }

    @Override
    public Optional<String> unavailableReason() {
        try {
            read("availability-probe");
            return Optional.empty();
        } catch (IOException e) {
            return Optional.of(e.getMessage());
        }
    }

    @Override
    public Optional<byte[]> read(String key) throws IOException {
        byte[][] out = new byte[1][];
        int status = keychain().copy(SERVICE, key, out);
        if (status == ERR_SEC_ITEM_NOT_FOUND) {
            return Optional.empty();
        }
        check(status, "read");
        if (out[0] == null) {
            throw new IOException("the Keychain returned no data for '" + key + "'");
        }
        return Optional.of(out[0]);
    }

    @Override
    public void write(String key, byte[] secret) throws IOException {
        Keychain k = keychain();
        int status = k.add(SERVICE, key, secret);
        if (status == ERR_SEC_DUPLICATE_ITEM) {
            // Replace: SecItemUpdate would need a second attribute dictionary; delete + add is one code path.
            int deleted = k.delete(SERVICE, key);
            if (deleted != ERR_SEC_ITEM_NOT_FOUND) {
                check(deleted, "replace");
            }
            status = k.add(SERVICE, key, secret);
        }
        check(status, "store");
    }

    @Override
    public boolean delete(String key) throws IOException {
        int status = keychain().delete(SERVICE, key);
        if (status == ERR_SEC_ITEM_NOT_FOUND) {
            return false;
        }
        check(status, "delete");
        return true;
    }

    static void check(int status, String what) throws IOException {
        switch (status) {
            case ERR_SEC_SUCCESS:
                return;
            case ERR_SEC_INTERACTION_NOT_ALLOWED:
                throw new IOException("the Keychain is locked and may not ask the user now (errSecInteractionNotAllowed); could not "
                        + what + " a secret");
            case ERR_SEC_NO_SUCH_KEYCHAIN:
                throw new IOException("there is no default keychain (errSecNoSuchKeychain); could not " + what + " a secret");
            case ERR_SEC_AUTH_FAILED:
                throw new IOException("the user refused access to the Keychain (errSecAuthFailed); could not " + what
                        + " a secret");
            default:
                throw new IOException("the Keychain could not " + what + " a secret (OSStatus " + status + ")");
        }
    }
}
