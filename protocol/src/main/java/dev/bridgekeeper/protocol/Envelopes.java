package dev.bridgekeeper.protocol;

import java.nio.charset.StandardCharsets;

/**
 * The envelopes both the host and the agent write by hand ({@code error}, the host's
 * {@code status}), and compact JSON string quoting. One writer, so the two sides cannot drift;
 * hand-written because the host loads no JSON library.
 */
public final class Envelopes {
    private Envelopes() {}

    /** The {@code error} envelope: {@code {"type":"error","code":…,"message":…}} (§2.4). */
    public static String error(EnvelopeErrorCode code, String message) {
        StringBuilder b = new StringBuilder(64 + message.length());
        b.append("{\"type\":\"").append(Vocabulary.TYPE_ERROR).append("\",\"code\":");
        quote(code.wireName(), b);
        b.append(",\"message\":");
        quote(message, b);
        return b.append('}').toString();
    }

    /** {@link #error} as the UTF-8 bytes of a frame. */
    public static byte[] errorBytes(EnvelopeErrorCode code, String message) {
        return error(code, message).getBytes(StandardCharsets.UTF_8);
    }

    /** A {@code status} envelope with {@code state} and, unless null, {@code detail}. */
    public static String status(String state, String detail) {
        StringBuilder b = new StringBuilder(120);
        b.append("{\"type\":\"").append(Vocabulary.TYPE_STATUS).append("\",\"state\":");
        quote(state, b);
        if (detail != null) {
            b.append(",\"detail\":");
            quote(detail, b);
        }
        return b.append('}').toString();
    }

    /** Appends {@code s} as a JSON string literal (RFC 8259 escaping, plus U+2028/2029 for JS). */
    public static void quote(String s, StringBuilder b) {
        b.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"': b.append("\\\""); break;
                case '\\': b.append("\\\\"); break;
                case '\n': b.append("\\n"); break;
                case '\r': b.append("\\r"); break;
                case '\t': b.append("\\t"); break;
                case '\b': b.append("\\b"); break;
                case '\f': b.append("\\f"); break;
                default:
                    if (c < 0x20 || c == '\u2028' || c == '\u2029' || Character.isSurrogate(c)
                            && !validSurrogateAt(s, i)) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
            }
        }
        b.append('"');
    }

    /** A lone surrogate cannot be encoded as UTF-8; it is escaped instead of corrupting the frame. */
    private static boolean validSurrogateAt(String s, int i) {
        char c = s.charAt(i);
        if (Character.isHighSurrogate(c)) {
            return i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
        }
        return i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
    }
}
