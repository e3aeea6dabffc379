package dev.bridgekeeper.protocol;

import java.util.Arrays;
import java.util.Base64;

/**
 * Base64 as docs/PROTOCOL.md §2.1 has it (decision D12): the standard alphabet with padding;
 * characters outside the alphabet and missing padding are refused.
 */
public final class WireBase64 {
    private static final byte[] VALUES = new byte[128];

    static {
        Arrays.fill(VALUES, (byte) -1);
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        for (int i = 0; i < alphabet.length(); i++) {
            VALUES[alphabet.charAt(i)] = (byte) i;
        }
    }

    private WireBase64() {}

    /** Encodes with padding. */
    public static String encode(byte[] bytes) {
        return Base64.getEncoder().encodeToString(bytes);
    }

    /**
     * Decodes padded standard base64.
     *
     * @throws IllegalArgumentException for foreign characters, a length that is not a multiple
     *                                  of 4 (missing padding), or misplaced padding
     */
    public static byte[] decode(String text) {
        if (text.length() % 4 != 0) {
            throw new IllegalArgumentException("base64 without padding");
        }
        return Base64.getDecoder().decode(text);
    }

    /**
     * Decodes, or throws the {@link ProtocolViolation} with {@code code} and {@code message}:
     * the one base64-or-fail step for envelope fields.
     */
    public static byte[] decodeOrViolation(String text, EnvelopeErrorCode code, String message) {
        try {
            return decode(text);
        } catch (IllegalArgumentException e) {
            throw new ProtocolViolation(code, message);
        }
    }

    /**
     * Decodes {@code length} bytes of padded standard base64 from {@code in} at {@code from} into
     * {@code out} without allocating (the agent's path for every {@code secure} frame). Returns the
     * number of bytes, or -1 when the text is not padded standard base64 or does not fit in
     * {@code out}; {@link #decode} then says why.
     */
    public static int decodeInto(byte[] in, int from, int length, byte[] out) {
        if (length % 4 != 0) {
            return -1;
        }
        int pad = length == 0 ? 0 : (in[from + length - 1] == '=' ? (in[from + length - 2] == '=' ? 2 : 1) : 0);
        int outLength = length / 4 * 3 - pad;
        if (outLength > out.length) {
            return -1;
        }
        int o = 0;
        for (int i = 0; i < length; i += 4) {
            int a = value(in[from + i]);
            int b = value(in[from + i + 1]);
            boolean last = i + 4 == length;
            int c = last && pad == 2 ? 0 : value(in[from + i + 2]);
            int d = last && pad >= 1 ? 0 : value(in[from + i + 3]);
            if ((a | b | c | d) < 0) {
                return -1;
            }
            int bits = a << 18 | b << 12 | c << 6 | d;
            out[o++] = (byte) (bits >> 16);
            if (o < outLength) {
                out[o++] = (byte) (bits >> 8);
            }
            if (o < outLength) {
                out[o++] = (byte) bits;
            }
        }
        return outLength;
    }

    private static int value(byte b) {
        return b < 0 ? -1 : VALUES[b];
    }
}
