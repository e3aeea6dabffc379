package dev.bridgekeeper.protocol.local;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * Where a product's agent socket and data live: one socket per OS user and product, in a
 * directory only that user can enter.
 *
 * <p>A product is named by its native messaging host name ({@link #DEFAULT_HOST_NAME} unless an
 * application embedding Bridgekeeper chooses its own, e.g. {@code com.example.vault}). Each
 * product gets its own folder, so two products never share a socket or a pairing store. The
 * folder is {@code bridgekeeper} (Windows: {@code Bridgekeeper}) for the default host name, which
 * keeps every path of an existing install unchanged, and the host name itself otherwise.
 *
 * <p>Socket:
 * <ul>
 *   <li>{@code BRIDGEKEEPER_SOCKET} overrides everything (tests, several agents side by side);</li>
 *   <li>Linux: {@code $XDG_RUNTIME_DIR/<folder>/agent.sock} (a per-user 0700 tmpfs), else
 *       {@code /tmp/<folder>-<user>/agent.sock};</li>
 *   <li>macOS: {@code $TMPDIR/<folder>/agent.sock} ({@code TMPDIR} is per-user there);</li>
 *   <li>Windows: {@code %LOCALAPPDATA%\<folder>\agent.sock} (AF_UNIX, Windows 10 1803+).</li>
 * </ul>
 * Unix socket paths are limited to about 100 bytes, which is why these are short and why host
 * names are at most {@value #MAX_HOST_NAME_LENGTH} characters.
 *
 * <p>Data (identity key and pairings), see {@link #dataDirectory}: Linux
 * {@code $XDG_DATA_HOME/<folder>/agent} (default {@code ~/.local/share}), macOS
 * {@code ~/Library/Application Support/<Folder>/agent}, Windows {@code %APPDATA%\<Folder>\agent}.
 */
public final class SocketPaths {
    private SocketPaths() {}

    /** The environment variable that overrides the socket path. */
    public static final String ENV_OVERRIDE = "BRIDGEKEEPER_SOCKET";

    /** The host name of Bridgekeeper's own reference agent and sample extension. */
    public static final String DEFAULT_HOST_NAME = "dev.bridgekeeper.host";

    /** The longest host name accepted: its folder must fit in a Unix socket path on macOS. */
    public static final int MAX_HOST_NAME_LENGTH = 40;

    /**
     * Checks a native messaging host name as browsers require it (lowercase letters, digits,
     * underscores and dots, no leading, trailing or double dot) and as products need it here
     * (reverse-DNS, so with at least one dot; at most {@value #MAX_HOST_NAME_LENGTH} characters).
     *
     * @return the name
     * @throws IllegalArgumentException with a message saying what is wrong
     */
    public static String requireHostName(String hostName) {
        Objects.requireNonNull(hostName, "host name");
        if (hostName.length() > MAX_HOST_NAME_LENGTH) {
            throw new IllegalArgumentException("host name '" + printable(hostName) + "' is longer than "
                    + MAX_HOST_NAME_LENGTH + " characters");
        }
        if (!isHostName(hostName)) {
            throw new IllegalArgumentException("host name '" + printable(hostName) + "' is not a reverse-DNS name of"
                    + " lowercase letters, digits and underscores joined by single dots, e.g. com.example.vault");
        }
        return hostName;
    }

    private static boolean isHostName(String s) {
        boolean sawDot = false;
        boolean segmentStart = true;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '.') {
                if (segmentStart) {
                    return false;
                }
                sawDot = true;
                segmentStart = true;
            } else if (c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_') {
                segmentStart = false;
            } else {
                return false;
            }
        }
        return sawDot && !segmentStart;
    }

    /**
     * The folder name a product's socket and data live in: {@code bridgekeeper} for
     * {@link #DEFAULT_HOST_NAME} (today's paths), the host name itself for any other product.
     */
    public static String productFolder(String hostName) {
        return requireHostName(hostName).equals(DEFAULT_HOST_NAME) ? "bridgekeeper" : hostName;
    }

    /** The socket path of the default product for this process's user. */
    public static Path defaultPath() {
        return pathFor(DEFAULT_HOST_NAME);
    }

    /** The socket path of the product {@code hostName} for this process's user. */
    public static Path pathFor(String hostName) {
        // An anonymous class rather than System::getenv: the host calls this first, and a method
        // reference would start the JDK's lambda machinery (milliseconds) before its first frame.
        Function<String, String> env = new Function<>() {
            @Override
            public String apply(String name) {
                return System.getenv(name);
            }
        };
        return resolve(env, System.getProperty("os.name", ""), System.getProperty("user.name", "user"), hostName);
    }

    /** The default product's socket path for the given environment, OS name and user name (pure, for tests). */
    public static Path resolve(Map<String, String> env, String osName, String userName) {
        return resolve(env::get, osName, userName, DEFAULT_HOST_NAME);
    }

    /** The default product's socket path; see {@link #resolve(Function, String, String, String)}. */
    public static Path resolve(Function<String, String> env, String osName, String userName) {
        return resolve(env, osName, userName, DEFAULT_HOST_NAME);
    }

    /**
     * The socket path for an environment lookup, an OS name ({@code os.name} style), a user name
     * and a product's host name. The doctor uses this to probe the same place an agent on that
     * system would use.
     */
    public static Path resolve(Function<String, String> env, String osName, String userName, String hostName) {
        String override = env.apply(ENV_OVERRIDE);
        if (override != null && !override.isBlank()) {
            return Path.of(override).toAbsolutePath();
        }
        String folder = productFolder(hostName);
        String os = osName.toLowerCase(Locale.ROOT);
        if (os.startsWith("windows")) {
            String base = env.apply("LOCALAPPDATA");
            if (base == null || base.isBlank()) {
                base = Path.of(Objects.requireNonNullElse(env.apply("USERPROFILE"), "C:\\"), "AppData", "Local").toString();
            }
            return Path.of(base, capitalized(folder), "agent.sock");
        }
        if (os.contains("mac") || os.contains("darwin")) {
            String tmp = env.apply("TMPDIR");
            if (usableDir(tmp)) {
                return Path.of(tmp, folder, "agent.sock");
            }
        } else {
            String runtime = env.apply("XDG_RUNTIME_DIR");
            if (usableDir(runtime)) {
                return Path.of(runtime, folder, "agent.sock");
            }
        }
        return Path.of("/tmp", folder + "-" + safeName(userName), "agent.sock");
    }

    /** The data directory (identity key, pairings) of the product {@code hostName} for this process's user. */
    public static Path dataDirectory(String hostName) {
        return dataDirectory(System::getenv, System.getProperty("os.name", ""),
                System.getProperty("user.home"), hostName);
    }

    /**
     * The data directory of a product for an environment lookup, an OS name, a home folder and
     * a host name (pure, for tests and the doctor).
     */
    public static Path dataDirectory(Function<String, String> env, String osName, String home, String hostName) {
        String folder = productFolder(hostName);
        String os = osName.toLowerCase(Locale.ROOT);
        if (os.startsWith("windows")) {
            String appData = env.apply("APPDATA");
            return Path.of(appData != null && !appData.isBlank() ? appData : home, capitalized(folder), "agent");
        }
        if (os.contains("mac") || os.contains("darwin")) {
            return Path.of(home, "Library", "Application Support", capitalized(folder), "agent");
        }
        String xdg = env.apply("XDG_DATA_HOME");
        return Path.of(usableDir(xdg) ? xdg : home + "/.local/share", folder, "agent");
    }

    /** {@code Bridgekeeper} for the default product (today's Windows and macOS folder); a host name stays as it is. */
    private static String capitalized(String folder) {
        return folder.equals("bridgekeeper") ? "Bridgekeeper" : folder;
    }

    private static boolean usableDir(String dir) {
        return dir != null && !dir.isBlank() && Path.of(dir).isAbsolute();
    }

    private static String printable(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length() && i < 80; i++) {
            char c = s.charAt(i);
            b.append(Character.isISOControl(c) ? '?' : c);
        }
        return b.toString();
    }

    /** A user name reduced to characters that are safe in a path segment. */
    static String safeName(String userName) {
        StringBuilder b = new StringBuilder();
        for (char c : userName.toCharArray()) {
            b.append(Character.isLetterOrDigit(c) && c < 128 || c == '-' || c == '_' || c == '.' ? c : '_');
        }
        return b.length() == 0 || b.charAt(0) == '.' ? "user" + b : b.toString();
    }
}
