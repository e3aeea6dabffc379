package dev.bridgekeeper.protocol;

import java.util.Base64;

/**
 * Base64 as docs/PROTOCOL.md §2.1 has it (decision D12): the standard alphabet with padding;
 * characters outside the alphabet and missing padding are refused.
 */
public final class WireBase64 {
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
}
