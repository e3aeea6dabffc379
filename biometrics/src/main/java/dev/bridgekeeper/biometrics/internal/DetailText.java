package dev.bridgekeeper.biometrics.internal;

/** Keeps OS-provided detail text printable and short before it reaches logs or the wire. */
public final class DetailText {
    public static final int MAX_LENGTH = 500;

    private DetailText() {}

    /** Null stays null; control characters become spaces; overlong text is cut with an ellipsis. */
    public static String clean(String text) {
        if (text == null) {
            return null;
        }
        StringBuilder b = new StringBuilder(Math.min(text.length(), MAX_LENGTH));
        for (int i = 0; i < text.length() && b.length() < MAX_LENGTH; i++) {
            char c = text.charAt(i);
            b.append(Character.isISOControl(c) ? ' ' : c);
        }
        if (text.length() > MAX_LENGTH) {
            b.setLength(MAX_LENGTH - 1);
            b.append('\u2026');
        }
        return b.toString().strip();
    }
}
