package dev.bridgekeeper.protocol.local;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * Where the agent's socket lives: one per OS user, in a directory only that user can enter.
 *
 * <ul>
 *   <li>{@code BRIDGEKEEPER_SOCKET} overrides everything (tests, several agents side by side);</li>
 *   <li>Linux: {@code $XDG_RUNTIME_DIR/bridgekeeper/agent.sock} (a per-user 0700 tmpfs), else
 *       {@code /tmp/bridgekeeper-<user>/agent.sock};</li>
 *   <li>macOS: {@code $TMPDIR/bridgekeeper/agent.sock} ({@code TMPDIR} is per-user there);</li>
 *   <li>Windows: {@code %LOCALAPPDATA%\Bridgekeeper\agent.sock} (AF_UNIX, Windows 10 1803+).</li>
 * </ul>
 * Unix socket paths are limited to about 100 bytes, which is why these are short.
 */
public final class SocketPaths {
    private SocketPaths() {}

    /** The environment variable that overrides the socket path. */
    public static final String ENV_OVERRIDE = "BRIDGEKEEPER_SOCKET";

    /** The socket path for this process's user. */
    public static Path defaultPath() {
        // An anonymous class rather than System::getenv: the host calls this first, and a method
        // reference would start the JDK's lambda machinery (milliseconds) before its first frame.
        Function<String, String> env = new Function<>() {
            @Override
            public String apply(String name) {
                return System.getenv(name);
            }
        };
        return resolve(env, System.getProperty("os.name", ""), System.getProperty("user.name", "user"));
    }

    /** The socket path for the given environment, OS name and user name (pure, for tests). */
    public static Path resolve(Map<String, String> env, String osName, String userName) {
        return resolve(env::get, osName, userName);
    }

    /**
     * The socket path for an environment lookup, an OS name ({@code os.name} style) and a user
     * name. The doctor uses this to probe the same place an agent on that system would use.
     */
    public static Path resolve(Function<String, String> env, String osName, String userName) {
        String override = env.apply(ENV_OVERRIDE);
        if (override != null && !override.isBlank()) {
            return Path.of(override).toAbsolutePath();
        }
        String os = osName.toLowerCase(Locale.ROOT);
        if (os.startsWith("windows")) {
            String base = env.apply("LOCALAPPDATA");
            if (base == null || base.isBlank()) {
                base = Path.of(Objects.requireNonNullElse(env.apply("USERPROFILE"), "C:\\"), "AppData", "Local").toString();
            }
            return Path.of(base, "Bridgekeeper", "agent.sock");
        }
        if (os.contains("mac") || os.contains("darwin")) {
            String tmp = env.apply("TMPDIR");
            if (usableDir(tmp)) {
                return Path.of(tmp, "bridgekeeper", "agent.sock");
            }
        } else {
            String runtime = env.apply("XDG_RUNTIME_DIR");
            if (usableDir(runtime)) {
                return Path.of(runtime, "bridgekeeper", "agent.sock");
            }
        }
        return Path.of("/tmp", "bridgekeeper-" + safeName(userName), "agent.sock");
    }

    private static boolean usableDir(String dir) {
        return dir != null && !dir.isBlank() && Path.of(dir).isAbsolute();
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
