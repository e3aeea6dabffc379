package dev.bridgekeeper.noise;

import java.nio.charset.StandardCharsets;
import java.security.DigestException;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The Noise SymmetricState (spec section 5.2) with the SHA256 hash functions (section 12.5): the
 * chaining key {@code ck}, the handshake hash {@code h} and a {@link CipherState}. HKDF is the
 * spec's own (section 4.3), built on HMAC-SHA256.
 *
 * <p>Not thread-safe. {@link #destroy()} zeroes {@code ck} and the key but keeps {@code h}, which
 * is not secret and is needed after the handshake (channel binding).
 */
public final class SymmetricState {

    /** SHA-256 output length (Noise's HASHLEN). */
    public static final int HASH_LENGTH = 32;

    private final MessageDigest sha256;
    private final Mac hmac;
    private final CipherState cipher = new CipherState();
    private final byte[] ck = new byte[HASH_LENGTH];
    private final byte[] h = new byte[HASH_LENGTH];
    private boolean destroyed;

    private SymmetricState() {
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
            hmac = Mac.getInstance("HmacSHA256");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JDK lacks SHA-256 or HmacSHA256", e);
        }
    }

    /**
     * InitializeSymmetric(protocol_name): {@code h} is the ASCII name zero-padded to 32 bytes, or
     * its hash if longer; {@code ck = h}; the key is empty.
     *
     * @throws IllegalArgumentException if the name is empty or not printable ASCII
     */
    public static SymmetricState initializeSymmetric(String protocolName) {
        Objects.requireNonNull(protocolName, "protocolName");
        if (protocolName.isEmpty() || !protocolName.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            throw new IllegalArgumentException("protocol name must be non-empty printable ASCII");
        }
        byte[] name = protocolName.getBytes(StandardCharsets.US_ASCII);
        SymmetricState state = new SymmetricState();
        if (name.length <= HASH_LENGTH) {
            System.arraycopy(name, 0, state.h, 0, name.length);
        } else {
            state.hashInto(state.h, name, 0, name.length);
        }
        System.arraycopy(state.h, 0, state.ck, 0, HASH_LENGTH);
        return state;
    }

    /** MixKey(input_key_material): {@code ck, temp_k = HKDF(ck, ikm, 2)}; the cipher takes {@code temp_k}. */
    public void mixKey(byte[] inputKeyMaterial) {
        checkNotDestroyed();
        byte[] tempK = new byte[HASH_LENGTH];
        hkdf(inputKeyMaterial, ck, tempK, null);
        cipher.initializeKey(tempK);
        Arrays.fill(tempK, (byte) 0);
    }

    /** MixHash(data): {@code h = SHA-256(h || data)}. */
    public void mixHash(byte[] data) {
        Objects.requireNonNull(data, "data");
        mixHash(data, 0, data.length);
    }

    /**
     * MixKeyAndHash(input_key_material), used for "psk" tokens:
     * {@code ck, temp_h, temp_k = HKDF(ck, ikm, 3)}, then MixHash(temp_h) and the cipher takes
     * {@code temp_k}.
     */
    public void mixKeyAndHash(byte[] inputKeyMaterial) {
        checkNotDestroyed();
        byte[] tempH = new byte[HASH_LENGTH];
        byte[] tempK = new byte[HASH_LENGTH];
        hkdf(inputKeyMaterial, ck, tempH, tempK);
        mixHash(tempH);
        cipher.initializeKey(tempK);
        Arrays.fill(tempK, (byte) 0);
    }

    /** GetHandshakeHash(): a copy of {@code h}. */
    public byte[] getHandshakeHash() {
        return h.clone();
    }

    /** True once a key has been mixed in, i.e. payloads are encrypted from now on. */
    public boolean hasKey() {
        return cipher.hasKey();
    }

    /** EncryptAndHash(plaintext): encrypts with {@code h} as associated data, then mixes the ciphertext into {@code h}. */
    public byte[] encryptAndHash(byte[] plaintext) {
        Objects.requireNonNull(plaintext, "plaintext");
        byte[] out = new byte[plaintext.length + (hasKey() ? CipherState.TAG_LENGTH : 0)];
        encryptAndHash(plaintext, 0, plaintext.length, out, 0);
        return out;
    }

    /**
     * DecryptAndHash(ciphertext): decrypts with {@code h} as associated data, then mixes the
     * ciphertext into {@code h}. On failure nothing changes.
     */
    public byte[] decryptAndHash(byte[] ciphertext) throws DecryptFailedException {
        Objects.requireNonNull(ciphertext, "ciphertext");
        return decryptAndHash(ciphertext, 0, ciphertext.length);
    }

    /**
     * Split(): derives the two transport CipherStates from {@code ck}.
     *
     * @return first initiator-to-responder, second responder-to-initiator
     */
    public CipherStatePair split() {
        checkNotDestroyed();
        byte[] tempK1 = new byte[HASH_LENGTH];
        byte[] tempK2 = new byte[HASH_LENGTH];
        try {
            // HKDF(ck, zerolen, 2): the first output is temp_k1, the second temp_k2.
            hkdf(new byte[0], tempK1, tempK2, null);
            CipherState c1 = new CipherState();
            CipherState c2 = new CipherState();
            c1.initializeKey(tempK1);
            c2.initializeKey(tempK2);
            return new CipherStatePair(c1, c2);
        } finally {
            Arrays.fill(tempK1, (byte) 0);
            Arrays.fill(tempK2, (byte) 0);
        }
    }

    /** Zeroes {@code ck} and the cipher key; {@link #getHandshakeHash()} keeps working. */
    public void destroy() {
        Arrays.fill(ck, (byte) 0);
        cipher.destroy();
        destroyed = true;
    }

    // ---- package-internal, allocation-light forms used by HandshakeState ----

    void mixHash(byte[] data, int off, int len) {
        checkNotDestroyed();
        sha256.update(h);
        sha256.update(data, off, len);
        finishDigest(h);
    }

    /** Encrypts {@code in[inOff..+inLen)} into {@code out} at {@code outOff} and hashes the result; returns bytes written. */
    int encryptAndHash(byte[] in, int inOff, int inLen, byte[] out, int outOff) {
        checkNotDestroyed();
        int written = cipher.encryptWithAd(h, in, inOff, inLen, out, outOff);
        mixHash(out, outOff, written);
        return written;
    }

    byte[] decryptAndHash(byte[] in, int off, int len) throws DecryptFailedException {
        checkNotDestroyed();
        byte[] out = new byte[Math.max(0, len - (hasKey() ? CipherState.TAG_LENGTH : 0))];
        cipher.decryptWithAd(h, in, off, len, out, 0);
        mixHash(in, off, len);
        return out;
    }

    /** Everything a failed handshake step must put back. */
    record Snapshot(byte[] ck, byte[] h, byte[] k, long n) {
        void wipe() {
            Arrays.fill(ck, (byte) 0);
            if (k != null) {
                Arrays.fill(k, (byte) 0);
            }
        }
    }

    Snapshot snapshot() {
        checkNotDestroyed();
        return new Snapshot(ck.clone(), h.clone(), cipher.keyCopy(), cipher.getNonce());
    }

    void restore(Snapshot saved) {
        checkNotDestroyed();
        System.arraycopy(saved.ck(), 0, ck, 0, HASH_LENGTH);
        System.arraycopy(saved.h(), 0, h, 0, HASH_LENGTH);
        cipher.restore(saved.k(), saved.n());
    }

    // ---- HKDF (spec section 4.3) ----

    /**
     * HKDF(ck, ikm, 2 or 3) with the current {@code ck}. Writes output 1 to {@code out1}, output 2
     * to {@code out2} and, if {@code out3} is non-null, output 3 to it. Outputs may alias {@code ck}
     * because {@code ck} is only read while computing the temporary key.
     */
    private void hkdf(byte[] ikm, byte[] out1, byte[] out2, byte[] out3) {
        Objects.requireNonNull(ikm, "input key material");
        byte[] tempKey = new byte[HASH_LENGTH];
        try {
            hmac(ck, tempKey, ikm);
            hmac(tempKey, out1, new byte[] {1});
            byte[] withCounter = Arrays.copyOf(out1, HASH_LENGTH + 1);
            withCounter[HASH_LENGTH] = 2;
            hmac(tempKey, out2, withCounter);
            if (out3 != null) {
                System.arraycopy(out2, 0, withCounter, 0, HASH_LENGTH);
                withCounter[HASH_LENGTH] = 3;
                hmac(tempKey, out3, withCounter);
            }
            Arrays.fill(withCounter, (byte) 0);
        } finally {
            Arrays.fill(tempKey, (byte) 0);
        }
    }

    private void hmac(byte[] key, byte[] out, byte[] data) {
        try {
            hmac.init(new SecretKeySpec(key, "HmacSHA256"));
            hmac.update(data);
            hmac.doFinal(out, 0);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 failed", e);
        }
    }

    private void hashInto(byte[] out, byte[] data, int off, int len) {
        sha256.update(data, off, len);
        finishDigest(out);
    }

    private void finishDigest(byte[] out) {
        try {
            sha256.digest(out, 0, HASH_LENGTH);
        } catch (DigestException e) {
            throw new IllegalStateException("SHA-256 failed", e);
        }
    }

    private void checkNotDestroyed() {
        if (destroyed) {
            throw new IllegalStateException("symmetric state has been destroyed");
        }
    }
}
