package dev.bridgekeeper.agent.internal.secure;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The arithmetic of PROTOCOL.md §5: the desktop's commitment to its nonce and the six-digit code
 * both users compare. The code binds the handshake hash, so a man in the middle (who has a
 * different handshake with each side) gets different codes unless it guesses, one chance in a
 * million per attempt; the commitment stops it from choosing its nonce after seeing the other.
 */
public final class PairingCodes {
    private PairingCodes() {}

    /** Bytes in each side's pairing nonce. */
    public static final int NONCE_BYTES = 32;

    private static final byte[] COMMIT_LABEL = "bridgekeeper pairing commit".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CODE_LABEL = "bridgekeeper pairing code".getBytes(StandardCharsets.US_ASCII);

    /** {@code SHA-256("bridgekeeper pairing commit" ‖ Nd)}. */
    public static byte[] commitment(byte[] desktopNonce) {
        requireNonce(desktopNonce);
        MessageDigest d = sha256();
        d.update(COMMIT_LABEL);
        d.update(desktopNonce);
        return d.digest();
    }

    /** Whether {@code desktopNonce} is the one {@code commitment} committed to (constant time). */
    public static boolean opens(byte[] commitment, byte[] desktopNonce) {
        return desktopNonce.length == NONCE_BYTES && MessageDigest.isEqual(commitment, commitment(desktopNonce));
    }

    /**
     * {@code uint32_be(SHA-256("bridgekeeper pairing code" ‖ h ‖ Ne ‖ Nd)[0..4]) mod 1,000,000}.
     *
     * @param handshakeHash Noise {@code GetHandshakeHash()} of this session
     */
    public static int code(byte[] handshakeHash, byte[] extensionNonce, byte[] desktopNonce) {
        requireNonce(extensionNonce);
        requireNonce(desktopNonce);
        MessageDigest d = sha256();
        d.update(CODE_LABEL);
        d.update(handshakeHash);
        d.update(extensionNonce);
        d.update(desktopNonce);
        byte[] h = d.digest();
        long v = (h[0] & 0xFFL) << 24 | (h[1] & 0xFFL) << 16 | (h[2] & 0xFFL) << 8 | (h[3] & 0xFFL);
        return (int) (v % 1_000_000L);
    }

    /** The code as users see it: six digits in two groups, e.g. {@code 042 917}. */
    public static String format(int code) {
        if (code < 0 || code > 999_999) {
            throw new IllegalArgumentException("a pairing code has six digits");
        }
        String s = String.format("%06d", code);
        return s.substring(0, 3) + " " + s.substring(3);
    }

    /**
     * Parses a code a person typed ("042917", "042 917", "042-917") into its number; -1 if it is
     * not six digits.
     */
    public static int parse(String typed) {
        String digits = typed.replace(" ", "").replace("-", "");
        if (digits.length() != 6) {
            return -1;
        }
        for (int i = 0; i < 6; i++) {
            if (digits.charAt(i) < '0' || digits.charAt(i) > '9') {
                return -1;
            }
        }
        return Integer.parseInt(digits);
    }

    /** Compares two codes without a data-dependent branch. */
    public static boolean sameCode(int a, int b) {
        return MessageDigest.isEqual(intBytes(a), intBytes(b));
    }

    private static byte[] intBytes(int v) {
        return new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
    }

    private static void requireNonce(byte[] nonce) {
        if (nonce == null || nonce.length != NONCE_BYTES) {
            throw new IllegalArgumentException("a pairing nonce is " + NONCE_BYTES + " bytes");
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every JDK", e);
        }
    }
}
