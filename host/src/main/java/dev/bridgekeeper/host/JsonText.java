package dev.bridgekeeper.host;

import dev.bridgekeeper.protocol.Version;

/**
 * The two JSON objects the host writes itself, built by hand: the host must not load a JSON
 * library (start-up time), and these are small and fixed.
 */
final class JsonText {
    private JsonText() {}

    /** The {@code hello} envelope, the first frame on every socket connection. */
    static String hello(CallerId caller, long pid) {
        StringBuilder b = new StringBuilder(200);
        b.append("{\"type\":\"hello\",\"protocol\":").append(Version.PROTOCOL)
                .append(",\"host\":{\"version\":");
        quote(Version.VERSION, b);
        b.append(",\"pid\":").append(pid).append("},\"caller\":{\"browser\":");
        quote(caller.browser(), b);
        b.append(",\"id\":");
        quote(caller.id(), b);
        if (caller.parentWindow() >= 0) {
            b.append(",\"parentWindow\":").append(caller.parentWindow());
        }
        return b.append("}}").toString();
    }

    /** A {@code status} envelope; {@code detail} may be null. */
    static String status(String state, String detail) {
        StringBuilder b = new StringBuilder(120);
        b.append("{\"type\":\"status\",\"state\":");
        quote(state, b);
        if (detail != null) {
            b.append(",\"detail\":");
            quote(detail, b);
        }
        return b.append('}').toString();
    }

    /** An {@code error} envelope. */
    static String error(String code, String message) {
        StringBuilder b = new StringBuilder(120);
        b.append("{\"type\":\"error\",\"code\":");
        quote(code, b);
        b.append(",\"message\":");
        quote(message, b);
        return b.append('}').toString();
    }

    /** Appends {@code s} as a JSON string literal (RFC 8259 escaping, plus U+2028/2029 for JS). */
    static void quote(String s, StringBuilder b) {
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
