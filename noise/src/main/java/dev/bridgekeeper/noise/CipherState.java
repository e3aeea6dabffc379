package dev.bridgekeeper.noise;

import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Objects;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The Noise CipherState (spec section 5.1) with the AESGCM cipher functions (section 12.3): a key
 * {@code k} (possibly empty) and a 64-bit nonce {@code n}.
 *
 * <p>AES-256-GCM with a 128-bit tag; the 96-bit nonce is 32 zero bits followed by {@code n} as a
 * big-endian 64-bit integer. The nonce is an unsigned 64-bit counter; the value 2<sup>64</sup>-1
 * is reserved for {@link #rekey()}, so once the counter reaches it every encrypt and decrypt is
 * refused with {@link IllegalStateException} (the session must be replaced).
 *
 * <p>A failed decryption throws {@link DecryptFailedException} and leaves the nonce where it was.
 * While no key is set, encryption and decryption pass the bytes through unchanged, as the spec
 * requires for the early handshake. A transport message (plaintext plus tag) is at most
 * {@value #MAX_MESSAGE_LENGTH} bytes.
 *
 * <p>Not thread-safe: one CipherState per direction, used by one thread at a time. The JDK Cipher
 * object is created once and reused for every message.
 */
public final class CipherState {

    /** AES-256 key length. */
    public static final int KEY_LENGTH = 32;
    /** GCM authentication tag length appended to every ciphertext. */
    public static final int TAG_LENGTH = 16;
    /** Largest Noise message, handshake or transport (spec section 3). */
    public static final int MAX_MESSAGE_LENGTH = 65535;
    /** Largest plaintext that fits one keyed transport message. */
    public static final int MAX_PLAINTEXT_LENGTH = MAX_MESSAGE_LENGTH - TAG_LENGTH;

    /** 2^64-1 as an unsigned long: reserved, never used for a message. */
    private static final long RESERVED_NONCE = -1L;
    private static final int GCM_NONCE_LENGTH = 12;

    private byte[] key;
    private SecretKeySpec keySpec;
    private Cipher cipher;
    private long nonce;
    private boolean destroyed;
    private final byte[] gcmNonce = new byte[GCM_NONCE_LENGTH];

    /** A CipherState with an empty key; call {@link #initializeKey(byte[])} to key it. */
    public CipherState() {}

    /**
     * InitializeKey(key): sets a 32-byte key (copied) and resets the nonce to 0.
     *
     * @throws IllegalArgumentException if the key is not 32 bytes
     */
    public void initializeKey(byte[] k) {
        checkNotDestroyed();
        Objects.requireNonNull(k, "key");
        if (k.length != KEY_LENGTH) {
            throw new IllegalArgumentException("cipher key must be " + KEY_LENGTH + " bytes, got " + k.length);
        }
        setKey(k);
        nonce = 0;
    }

    /** HasKey(): true once a key is set. */
    public boolean hasKey() {
        return key != null;
    }

    /** SetNonce(n): sets the counter, read as an unsigned 64-bit number. */
    public void setNonce(long n) {
        checkNotDestroyed();
        nonce = n;
    }

    /** The next nonce this state will use, as an unsigned 64-bit number. */
    public long getNonce() {
        return nonce;
    }

    /**
     * EncryptWithAd(ad, plaintext): returns ciphertext plus tag, or the plaintext unchanged (copied)
     * if no key is set.
     *
     * @throws IllegalArgumentException if the result would exceed {@value #MAX_MESSAGE_LENGTH} bytes
     * @throws IllegalStateException if the nonce is exhausted or this state was destroyed
     */
    public byte[] encryptWithAd(byte[] ad, byte[] plaintext) {
        Objects.requireNonNull(plaintext, "plaintext");
        byte[] out = new byte[plaintext.length + (hasKey() ? TAG_LENGTH : 0)];
        encryptWithAd(ad, plaintext, 0, plaintext.length, out, 0);
        return out;
    }

    /**
     * Allocation-light EncryptWithAd for the transport's hot path: encrypts
     * {@code in[inOff..inOff+inLen)} into {@code out} at {@code outOff}, which needs room for
     * {@code inLen + TAG_LENGTH} bytes (or {@code inLen} without a key). {@code in} and
     * {@code out} may be the same array.
     *
     * @param ad associated data; null means empty
     * @return the number of bytes written
     * @throws IllegalArgumentException if the result would exceed {@value #MAX_MESSAGE_LENGTH} bytes
     * @throws IndexOutOfBoundsException if a range does not fit its array
     * @throws IllegalStateException if the nonce is exhausted or this state was destroyed
     */
    public int encryptWithAd(byte[] ad, byte[] in, int inOff, int inLen, byte[] out, int outOff) {
        checkNotDestroyed();
        Objects.checkFromIndexSize(inOff, inLen, in.length);
        int limit = hasKey() ? MAX_PLAINTEXT_LENGTH : MAX_MESSAGE_LENGTH;
        if (inLen > limit) {
            throw new IllegalArgumentException(
                    "plaintext of " + inLen + " bytes does not fit one Noise message (limit " + limit + ")");
        }
        if (!hasKey()) {
            Objects.checkFromIndexSize(outOff, inLen, out.length);
            System.arraycopy(in, inOff, out, outOff, inLen);
            return inLen;
        }
        Objects.checkFromIndexSize(outOff, inLen + TAG_LENGTH, out.length);
        checkNonceAvailable();
        try {
            initCipher(Cipher.ENCRYPT_MODE, nonce);
            if (ad != null && ad.length > 0) {
                cipher.updateAAD(ad);
            }
            int written = cipher.doFinal(in, inOff, inLen, out, outOff);
            nonce++;
            return written;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM encryption failed", e);
        }
    }

    /**
     * DecryptWithAd(ad, ciphertext): returns the plaintext, or the input unchanged (copied) if no
     * key is set.
     *
     * @throws DecryptFailedException if the ciphertext is shorter than the tag, longer than a Noise
     *     message, or fails authentication; the nonce is not advanced
     * @throws IllegalStateException if the nonce is exhausted or this state was destroyed
     */
    public byte[] decryptWithAd(byte[] ad, byte[] ciphertext) throws DecryptFailedException {
        Objects.requireNonNull(ciphertext, "ciphertext");
        byte[] out = new byte[Math.max(0, ciphertext.length - (hasKey() ? TAG_LENGTH : 0))];
        decryptWithAd(ad, ciphertext, 0, ciphertext.length, out, 0);
        return out;
    }

    /**
     * Allocation-light DecryptWithAd: decrypts {@code in[inOff..inOff+inLen)} into {@code out} at
     * {@code outOff}, which needs room for {@code inLen - TAG_LENGTH} bytes (or {@code inLen}
     * without a key). {@code in} and {@code out} may be the same array.
     *
     * @param ad associated data; null means empty
     * @return the number of plaintext bytes written
     * @throws DecryptFailedException as {@link #decryptWithAd(byte[], byte[])}; the nonce is not
     *     advanced
     * @throws IndexOutOfBoundsException if a range does not fit its array
     * @throws IllegalStateException if the nonce is exhausted or this state was destroyed
     */
    public int decryptWithAd(byte[] ad, byte[] in, int inOff, int inLen, byte[] out, int outOff)
            throws DecryptFailedException {
        checkNotDestroyed();
        Objects.checkFromIndexSize(inOff, inLen, in.length);
        if (inLen > MAX_MESSAGE_LENGTH) {
            throw new DecryptFailedException(
                    "ciphertext of " + inLen + " bytes is longer than a Noise message (" + MAX_MESSAGE_LENGTH + ")");
        }
        if (!hasKey()) {
            Objects.checkFromIndexSize(outOff, inLen, out.length);
            System.arraycopy(in, inOff, out, outOff, inLen);
            return inLen;
        }
        if (inLen < TAG_LENGTH) {
            throw new DecryptFailedException(
                    "ciphertext of " + inLen + " bytes is shorter than the " + TAG_LENGTH + "-byte tag");
        }
        Objects.checkFromIndexSize(outOff, inLen - TAG_LENGTH, out.length);
        checkNonceAvailable();
        try {
            initCipher(Cipher.DECRYPT_MODE, nonce);
            if (ad != null && ad.length > 0) {
                cipher.updateAAD(ad);
            }
            int written = cipher.doFinal(in, inOff, inLen, out, outOff);
            nonce++;
            return written;
        } catch (AEADBadTagException e) {
            throw new DecryptFailedException("ciphertext failed authentication", e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM decryption failed", e);
        }
    }

    /**
     * Rekey(): replaces the key with the first 32 bytes of the encryption of 32 zero bytes under
     * the reserved nonce 2<sup>64</sup>-1 (spec sections 4.2 and 11.3). The nonce is unchanged.
     *
     * @throws IllegalStateException if no key is set or this state was destroyed
     */
    public void rekey() {
        checkNotDestroyed();
        if (!hasKey()) {
            throw new IllegalStateException("rekey needs a key");
        }
        byte[] block = new byte[KEY_LENGTH + TAG_LENGTH];
        try {
            initCipher(Cipher.ENCRYPT_MODE, RESERVED_NONCE);
            cipher.doFinal(new byte[KEY_LENGTH], 0, KEY_LENGTH, block, 0);
            setKey(Arrays.copyOf(block, KEY_LENGTH));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM rekey failed", e);
        } finally {
            Arrays.fill(block, (byte) 0);
        }
    }

    /**
     * Zeroes the key and makes this state unusable: every later operation throws
     * {@link IllegalStateException} (rather than silently passing plaintext through).
     */
    public void destroy() {
        if (key != null) {
            Arrays.fill(key, (byte) 0);
        }
        key = null;
        // The JDK keeps its own copy inside SecretKeySpec and the cipher; dropping both is the
        // best we can do for them.
        keySpec = null;
        cipher = null;
        destroyed = true;
    }

    /** True once {@link #destroy()} has run. */
    public boolean isDestroyed() {
        return destroyed;
    }

    /** A copy of the key, or null when empty; for {@link SymmetricState}'s snapshots. */
    byte[] keyCopy() {
        return key == null ? null : key.clone();
    }

    /** Puts back a key (or empty, if null) and nonce taken earlier with {@link #keyCopy()}. */
    void restore(byte[] savedKey, long savedNonce) {
        checkNotDestroyed();
        if (savedKey == null) {
            clearKey();
        } else {
            setKey(savedKey);
        }
        nonce = savedNonce;
    }

    private void setKey(byte[] k) {
        clearKey();
        key = k.clone();
        keySpec = new SecretKeySpec(key, "AES");
        if (cipher == null) {
            try {
                cipher = Cipher.getInstance("AES/GCM/NoPadding");
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("this JDK has no AES/GCM/NoPadding", e);
            }
        }
    }

    private void clearKey() {
        if (key != null) {
            Arrays.fill(key, (byte) 0);
        }
        key = null;
        keySpec = null;
    }

    private void initCipher(int mode, long n) throws GeneralSecurityException {
        // Noise AESGCM nonce: 4 zero bytes, then the counter big-endian.
        for (int i = 0; i < 8; i++) {
            gcmNonce[GCM_NONCE_LENGTH - 1 - i] = (byte) (n >>> (8 * i));
        }
        cipher.init(mode, keySpec, new GCMParameterSpec(TAG_LENGTH * 8, gcmNonce));
    }

    private void checkNonceAvailable() {
        if (nonce == RESERVED_NONCE) {
            throw new IllegalStateException("nonce exhausted (2^64-1 is reserved); start a new session");
        }
    }

    private void checkNotDestroyed() {
        if (destroyed) {
            throw new IllegalStateException("cipher state has been destroyed");
        }
    }
}
