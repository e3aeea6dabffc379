package dev.bridgekeeper.cli.doctor;

import dev.bridgekeeper.agent.internal.registration.HostOs;
import dev.bridgekeeper.agent.internal.registration.JnaRegistry;
import dev.bridgekeeper.agent.internal.registration.RegistryReader;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Everything the doctor reads from outside, injectable so tests can seed faults in a temporary
 * tree: the OS whose lookup to replay, HOME, the environment, a root that system-wide paths
 * ({@code /etc}, {@code /usr}, {@code /Library}) are resolved against, and the registry.
 *
 * @param os       whose browser lookup to replay
 * @param home     the user's home folder
 * @param env      environment variables (XDG_*, BRIDGEKEEPER_SOCKET, LOCALAPPDATA, ...)
 * @param root     prefix for system-wide absolute paths; {@code /} in real use
 * @param registry the Windows registry, or {@link RegistryReader#NONE}
 */
public record DoctorEnvironment(HostOs os, Path home, Map<String, String> env, Path root, RegistryReader registry) {

    public DoctorEnvironment {
        Objects.requireNonNull(os, "os");
        Objects.requireNonNull(home, "home");
        Objects.requireNonNull(root, "root");
        Objects.requireNonNull(registry, "registry");
        env = Map.copyOf(env);
    }

    /**
     * The real environment of this process, with optional overrides (null = keep). With another
     * home, XDG_CONFIG_HOME and XDG_DATA_HOME are ignored so they default to folders under it.
     */
    public static DoctorEnvironment fromSystem(HostOs osOverride, Path homeOverride, Path rootOverride) {
        HostOs os = osOverride != null ? osOverride : HostOs.current();
        Map<String, String> env = new HashMap<>(System.getenv());
        if (homeOverride != null) {
            // Another home: its XDG folders are the defaults under it, not this user's.
            env.keySet().removeAll(List.of("XDG_CONFIG_HOME", "XDG_DATA_HOME"));
        }
        Path home = homeOverride != null ? homeOverride
                : Path.of(nonEmpty(env.get(os == HostOs.WINDOWS ? "USERPROFILE" : "HOME"))
                        ? env.get(os == HostOs.WINDOWS ? "USERPROFILE" : "HOME")
                        : System.getProperty("user.home"));
        Path root = rootOverride != null ? rootOverride : Path.of("/");
        RegistryReader registry = os == HostOs.WINDOWS && HostOs.current() == HostOs.WINDOWS
                ? new JnaRegistry() : RegistryReader.NONE;
        return new DoctorEnvironment(os, home.toAbsolutePath(), env, root.toAbsolutePath(), registry);
    }

    /** A system-wide absolute path such as {@code /etc/opt/chrome}, under {@link #root()}. */
    public Path system(String absolute) {
        return root.resolve(absolute.startsWith("/") ? absolute.substring(1) : absolute);
    }

    /** $XDG_CONFIG_HOME, else ~/.config. */
    public Path configHome() {
        return envPath("XDG_CONFIG_HOME", home.resolve(".config"));
    }

    /** $XDG_DATA_HOME, else ~/.local/share. */
    public Path dataHome() {
        return envPath("XDG_DATA_HOME", home.resolve(".local/share"));
    }

    /** An environment variable, or null when unset or empty. */
    public String getenv(String name) {
        String value = env.get(name);
        return nonEmpty(value) ? value : null;
    }

    /** An absolute path from the environment, else the fallback (relative values are ignored, as XDG says). */
    public Path envPath(String name, Path fallback) {
        String value = getenv(name);
        if (value != null) {
            Path p = Path.of(value);
            if (p.isAbsolute()) {
                return p;
            }
        }
        return fallback;
    }

    private static boolean nonEmpty(String s) {
        return s != null && !s.isEmpty();
    }
}
