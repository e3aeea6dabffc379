package dev.bridgekeeper.host;

import dev.bridgekeeper.protocol.Limits;
import dev.bridgekeeper.protocol.UntrustedText;
import dev.bridgekeeper.protocol.Vocabulary;
import java.util.regex.Pattern;

/**
 * Who launched the host, from the arguments the browser passed (NATIVE-MESSAGING.md §1):
 * <ul>
 *   <li>Chromium family: {@code chrome-extension://<32 letters a-p>/}, on Windows followed by
 *       {@code --parent-window=<HWND>}; feature-gated builds may append
 *       {@code --reconnect-command=<base64>} and {@code --native-messaging-connect-id=<id>},
 *       which are accepted and ignored;</li>
 *   <li>Firefox: the absolute path of the host manifest, then the add-on id.</li>
 * </ul>
 * Anything else is refused: the caller id is the only identity the browser itself vouches for.
 *
 * @param browser      {@code "chromium"} or {@code "firefox"}, as in the hello envelope
 * @param id           the caller id of PROTOCOL.md (the Noise prologue depends on it)
 * @param parentWindow the browser window handle ({@code --parent-window}), or -1 when not given
 */
public record CallerId(String browser, String id, long parentWindow) {
    private static final String CHROMIUM_SCHEME = "chrome-extension://";
    private static final int CHROMIUM_ID_LENGTH = 32;

    /**
     * The patterns for arguments other than the Chromium origin, compiled on first use: the browser
     * starts the host on every connection, and compiling regular expressions (which also starts
     * the JDK's lambda machinery) costs milliseconds the common case does not need.
     */
    private static final class Patterns {
        static final Pattern PARENT_WINDOW = Pattern.compile("--parent-window=(0|[1-9][0-9]{0,19})");
        static final Pattern RECONNECT = Pattern.compile("--reconnect-command=[A-Za-z0-9+/=_-]{1,8192}");
        static final Pattern CONNECT_ID = Pattern.compile("--native-messaging-connect-id=[A-Za-z0-9._-]{1,256}");
        // Firefox's own rule for add-on ids: a GUID in braces, or an email-like string (case-insensitive).
        static final Pattern FIREFOX_ADDON_ID = Pattern.compile(
                "\\{[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}}|[a-z0-9._-]*@[a-z0-9._-]+",
                Pattern.CASE_INSENSITIVE);
    }

    private static final int MAX_ADDON_ID = Limits.MAX_FIREFOX_ADDON_ID_CHARS;
    private static final int MAX_PATH = Limits.MAX_MANIFEST_PATH_CHARS;

    /** Chromium family browsers. */
    public static final String CHROMIUM = Vocabulary.BROWSER_CHROMIUM;
    /** Firefox and its forks. */
    public static final String FIREFOX = Vocabulary.BROWSER_FIREFOX;

    /**
     * Parses the host's arguments (without the subcommand name).
     *
     * @throws IllegalArgumentException with a message fit for stderr when they are not what a
     *                                  browser passes
     */
    public static CallerId parse(String[] args) {
        if (args.length == 0) {
            throw new IllegalArgumentException("no caller: the host expects the arguments a browser passes "
                    + "(chrome-extension://<id>/, or a manifest path and a Firefox add-on id)");
        }
        String first = args[0];
        if (first.startsWith("chrome-extension:")) {
            return parseChromium(args);
        }
        if (args.length == 2 && isAbsoluteManifestPath(first)) {
            String addon = args[1];
            if (addon.length() > MAX_ADDON_ID || !Patterns.FIREFOX_ADDON_ID.matcher(addon).matches()) {
                throw new IllegalArgumentException("not a valid Firefox add-on id: '" + printable(addon) + "'");
            }
            return new CallerId(FIREFOX, "moz-extension:" + addon, -1);
        }
        throw new IllegalArgumentException("unrecognised arguments: expected chrome-extension://<id>/ "
                + "(Chromium family) or <manifest path> <add-on id> (Firefox), got " + args.length
                + " argument(s) starting with '" + printable(first) + "'");
    }

    private static CallerId parseChromium(String[] args) {
        String origin = args[0];
        if (!isChromiumOrigin(origin)) {
            throw new IllegalArgumentException("not a valid Chromium extension origin: '" + printable(origin)
                    + "' (expected chrome-extension:// followed by 32 letters a-p and a slash)");
        }
        long parent = -1;
        for (int i = 1; i < args.length; i++) {
            String a = args[i];
            var m = Patterns.PARENT_WINDOW.matcher(a);
            if (m.matches() && parent < 0) {
                try {
                    parent = Long.parseUnsignedLong(m.group(1));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("--parent-window is out of range");
                }
                if (parent < 0) {
                    throw new IllegalArgumentException("--parent-window is out of range");
                }
            } else if (!Patterns.RECONNECT.matcher(a).matches() && !Patterns.CONNECT_ID.matcher(a).matches()) {
                throw new IllegalArgumentException("unexpected argument after the extension origin: '"
                        + printable(a) + "'");
            }
        }
        return new CallerId(CHROMIUM, origin, parent);
    }

    /** {@code chrome-extension://} + 32 letters a-p + {@code /}, checked by hand (see {@link Patterns}). */
    private static boolean isChromiumOrigin(String s) {
        int idEnd = CHROMIUM_SCHEME.length() + CHROMIUM_ID_LENGTH;
        if (s.length() != idEnd + 1 || !s.startsWith(CHROMIUM_SCHEME) || s.charAt(idEnd) != '/') {
            return false;
        }
        for (int i = CHROMIUM_SCHEME.length(); i < idEnd; i++) {
            char c = s.charAt(i);
            if (c < 'a' || c > 'p') {
                return false;
            }
        }
        return true;
    }

    private static boolean isAbsoluteManifestPath(String s) {
        if (s.isEmpty() || s.length() > MAX_PATH || !s.toLowerCase(java.util.Locale.ROOT).endsWith(".json")) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (Character.isISOControl(s.charAt(i))) {
                return false;
            }
        }
        boolean unix = s.startsWith("/");
        boolean windows = s.length() > 3 && Character.isLetter(s.charAt(0)) && s.charAt(1) == ':'
                && (s.charAt(2) == '\\' || s.charAt(2) == '/');
        boolean unc = s.startsWith("\\\\");
        return unix || windows || unc;
    }

    /** Untrusted text made safe for one line of stderr. */
    static String printable(String s) {
        return UntrustedText.printable(s, 120);
    }
}
