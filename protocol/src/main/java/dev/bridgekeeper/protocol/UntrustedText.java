package dev.bridgekeeper.protocol;

/**
 * The one sanitiser for text a peer or a caller chose (caller ids, error messages, envelope
 * types, arguments) before it reaches a log line, stderr or a message for people: control
 * characters (C0, DEL, C1) become {@code ?} and long text is cut, so it can neither forge log
 * lines nor flood them.
 */
public final class UntrustedText {
    private UntrustedText() {}

    /** At most {@code max} characters of {@code s}, controls replaced, {@code ...} when cut; "" for null. */
    public static String printable(String s, int max) {
        if (s == null) {
            return "";
        }
        int n = Math.min(s.length(), max);
        StringBuilder b = new StringBuilder(n + 3);
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            b.append(isControl(c) ? '?' : c);
        }
        if (s.length() > max) {
            b.append("...");
        }
        return b.toString();
    }

    /** Whether the text holds a control character (C0, DEL or C1). */
    public static boolean hasControl(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (isControl(s.charAt(i))) {
                return true;
            }
        }
        return false;
    }

    private static boolean isControl(char c) {
        return c < 0x20 || (c >= 0x7f && c < 0xa0);
    }
}
