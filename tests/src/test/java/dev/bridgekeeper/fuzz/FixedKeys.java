package dev.bridgekeeper.fuzz;

import dev.bridgekeeper.noise.KeyPair;
import java.util.Arrays;

/**
 * Fixed X25519 keys for fuzzing and hostile-input tests. With every key fixed, a handshake
 * produces the same transcript and transport keys on every run, so a ciphertext the fuzzer learned
 * (or a seed file holds) stays valid across runs and inputs reproduce. Never use outside tests.
 */
public final class FixedKeys {
    private FixedKeys() {}

    /** The caller id the fixed handshakes use (a syntactically valid Chromium origin). */
    public static final String CALLER = "chrome-extension://fabbfabbfabbfabbfabbfabbfabbfabb/";

    public static KeyPair desktopStatic() {
        return key(0x11);
    }

    public static KeyPair extensionStatic() {
        return key(0x22);
    }

    /** The desktop's ephemeral key; a fresh object each call because a handshake destroys its ephemeral key. */
    public static KeyPair desktopEphemeral() {
        return key(0x33);
    }

    public static KeyPair extensionEphemeral() {
        return key(0x44);
    }

    /** Another extension, never paired. */
    public static KeyPair strangerStatic() {
        return key(0x55);
    }

    private static KeyPair key(int fill) {
        byte[] secret = new byte[KeyPair.KEY_LENGTH];
        Arrays.fill(secret, (byte) fill);
        try {
            return KeyPair.fromPrivate(secret);
        } finally {
            Arrays.fill(secret, (byte) 0);
        }
    }
}
