package dev.bridgekeeper.agent.internal.registration;

/** Makes untrusted text (manifest fields, a host's stderr) safe to show on a terminal. */
public final class Text {
    private Text() {}

    /** Control characters become '?', and the text is cut to {@code max} characters. */
    /**
     * The command that (re)installs a product for an installed user: {@code bridgekeeper install}
     * runs the installer the install left beside the jar, with the product's host name.
     */
    public static String installCommand(String hostName, String extra) {
        String product = hostName.equals(dev.bridgekeeper.protocol.local.SocketPaths.DEFAULT_HOST_NAME)
                ? "" : " --host-name " + hostName;
        return "bridgekeeper install" + product + (extra.isEmpty() ? "" : " " + extra);
    }

    public static String printable(String s, int max) {
        StringBuilder b = new StringBuilder(Math.min(s.length(), max) + 1);
        for (int i = 0; i < s.length(); i++) {
            if (b.length() >= max) {
                b.append('…');
                break;
            }
            char c = s.charAt(i);
            b.append(Character.isISOControl(c) ? '?' : c);
        }
        return b.toString();
    }

    /** The last lines of a process's stderr, printable and short, or "" when there was none. */
    public static String tail(String stderr) {
        String trimmed = stderr.strip();
        if (trimmed.isEmpty()) {
            return "";
        }
        String[] lines = trimmed.split("\\R");
        int from = Math.max(0, lines.length - 3);
        StringBuilder b = new StringBuilder();
        for (int i = from; i < lines.length; i++) {
            if (b.length() > 0) {
                b.append(" | ");
            }
            b.append(printable(lines[i].strip(), 160));
        }
        return b.toString();
    }
}
