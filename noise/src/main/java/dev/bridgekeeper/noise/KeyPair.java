package dev.bridgekeeper.noise;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;
import org.bouncycastle.math.ec.rfc7748.X25519;

/**
 * An X25519 key pair as raw 32-byte strings: the Noise "25519" DH functions (spec section 12.1)
 * GENERATE_KEYPAIR and DH.
 *
 * <p>The record keeps its own copies of both keys; the accessors return copies too, so
 * {@link #destroy()} really zeroes the only private key this object holds. Equality and
 * {@link #toString()} look at the public key only.
 */
public record KeyPair(byte[] privateKey, byte[] publicKey) {

    /** Length of X25519 private keys, public keys and shared secrets (Noise's DHLEN). */
    public static final int KEY_LENGTH = 32;

    /**
     * Builds a key pair from both halves, checking that the public key belongs to the private key.
     *
     * @throws IllegalArgumentException if a key is not 32 bytes or the halves do not match
     */
    public KeyPair {
        checkLength(privateKey, "private key");
        checkLength(publicKey, "public key");
        privateKey = privateKey.clone();
        publicKey = publicKey.clone();
        if (isAllZero(privateKey)) {
            // All-zero is what destroy() leaves behind, so it cannot double as a real key.
            throw new IllegalArgumentException("private key is all zero");
        }
        byte[] derived = new byte[KEY_LENGTH];
        X25519.generatePublicKey(privateKey, 0, derived, 0);
        if (!MessageDigest.isEqual(derived, publicKey)) {
            Arrays.fill(privateKey, (byte) 0);
            throw new IllegalArgumentException("public key does not belong to the private key");
        }
    }

    /** Generates a fresh key pair (spec GENERATE_KEYPAIR). */
    public static KeyPair generate(SecureRandom random) {
        Objects.requireNonNull(random, "random");
        byte[] privateKey = new byte[KEY_LENGTH];
        X25519.generatePrivateKey(random, privateKey);
        try {
            return fromPrivate(privateKey);
        } finally {
            Arrays.fill(privateKey, (byte) 0);
        }
    }

    /**
     * Rebuilds a key pair from its 32-byte private key (copied; the caller may zero its array).
     *
     * @throws IllegalArgumentException if the key is not 32 bytes
     */
    public static KeyPair fromPrivate(byte[] privateKey) {
        checkLength(privateKey, "private key");
        byte[] publicKey = new byte[KEY_LENGTH];
        X25519.generatePublicKey(privateKey, 0, publicKey, 0);
        return new KeyPair(privateKey, publicKey);
    }

    /** Returns a copy of the private key; the caller should zero it after use. */
    @Override
    public byte[] privateKey() {
        return privateKey.clone();
    }

    /** Returns a copy of the public key. */
    @Override
    public byte[] publicKey() {
        return publicKey.clone();
    }

    /** Zeroes the private key. Afterwards the pair can no longer compute a DH. */
    public void destroy() {
        Arrays.fill(privateKey, (byte) 0);
    }

    /** True once {@link #destroy()} has run. */
    public boolean isDestroyed() {
        return isAllZero(privateKey);
    }

    /**
     * Noise DH(key_pair, public_key): writes the X25519 shared secret to {@code out[outOff..+32)}.
     *
     * @throws NoiseException if the peer's key is a low-order point (an all-zero shared secret,
     *     which the spec lets an implementation reject)
     */
    void dh(byte[] remotePublicKey, byte[] out, int outOff) throws NoiseException {
        if (isDestroyed()) {
            throw new IllegalStateException("key pair has been destroyed");
        }
        if (!X25519.calculateAgreement(privateKey, 0, remotePublicKey, 0, out, outOff)) {
            throw new NoiseException("peer public key is a low-order point (all-zero DH result)");
        }
    }

    /** Package-internal read-only view of the public key, without copying. */
    byte[] publicKeyView() {
        return publicKey;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof KeyPair that && Arrays.equals(publicKey, that.publicKey);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(publicKey);
    }

    @Override
    public String toString() {
        return "KeyPair[public=" + HexFormat.of().formatHex(publicKey) + "]";
    }

    private static boolean isAllZero(byte[] bytes) {
        int acc = 0;
        for (byte b : bytes) {
            acc |= b;
        }
        return acc == 0;
    }

    private static void checkLength(byte[] key, String what) {
        Objects.requireNonNull(key, what);
        if (key.length != KEY_LENGTH) {
            throw new IllegalArgumentException(what + " must be " + KEY_LENGTH + " bytes, got " + key.length);
        }
    }
}
