package dev.bridgekeeper.biometrics.internal;

import dev.bridgekeeper.biometrics.Platform;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes sure JNA can unpack its native stub before the first JNA class initialises.
 *
 * <p>JNA unpacks {@code libjnidispatch} into its cache directory ({@code ~/.cache/JNA/temp} on
 * Linux, {@code ~/Library/Caches/JNA/temp} on macOS, {@code %TEMP%\jna-*} on Windows) or, failing
 * that, {@code java.io.tmpdir}. When neither can be written (no home directory, a bogus
 * {@code java.io.tmpdir}) JNA fails for good with "JNA temporary directory ... does not exist".
 * Only then this points {@code jna.tmpdir} at a private 0700 directory of ours. An explicit
 * {@code jna.tmpdir} or {@code jna.nounpack} is always left alone.
 */
public final class JnaTempDir {
    private static final Logger LOG = LoggerFactory.getLogger(JnaTempDir.class);

    private JnaTempDir() {}

    static synchronized void ensureUsable() {
        Path chosen = choose(Platform.current(), System.getenv(), System.getProperties());
        if (chosen != null) {
            System.setProperty("jna.tmpdir", chosen.toString());
            LOG.info("JNA's default temporary directory is not usable; using {}", chosen);
        }
    }

    /**
     * The directory to set as {@code jna.tmpdir}, or null when JNA's own choice works (or the user
     * configured JNA explicitly).
     */
    public static Path choose(Platform platform, Map<String, String> env, Properties props) {
        if (props.getProperty("jna.tmpdir") != null || Boolean.parseBoolean(props.getProperty("jna.nounpack"))) {
            return null;
        }
        Path jnaDefault = jnaDefault(platform, env, props);
        if (jnaDefault != null && creatableAndWritable(jnaDefault)) {
            return null;
        }
        String javaTmp = props.getProperty("java.io.tmpdir");
        if (javaTmp != null && !javaTmp.isEmpty() && isWritableDirectory(Path.of(javaTmp))) {
            return null;
        }
        for (Path candidate : privateCandidates(platform, env, props)) {
            if (createPrivate(candidate)) {
                return candidate;
            }
        }
        return null; // nothing better: let JNA report its own error
    }

    private static Path jnaDefault(Platform platform, Map<String, String> env, Properties props) {
        String home = props.getProperty("user.home");
        switch (platform) {
            case MACOS:
                return home == null ? null : Path.of(home, "Library", "Caches", "JNA", "temp");
            case WINDOWS:
                return null; // JNA uses a directory inside java.io.tmpdir there
            default:
                String xdg = env.get("XDG_CACHE_HOME");
                if (xdg != null && !xdg.isEmpty()) {
                    return Path.of(xdg, "JNA", "temp");
                }
                return home == null ? null : Path.of(home, ".cache", "JNA", "temp");
        }
    }

    private static List<Path> privateCandidates(Platform platform, Map<String, String> env, Properties props) {
        List<Path> candidates = new ArrayList<>();
        String runtime = env.get("XDG_RUNTIME_DIR");
        if (platform != Platform.WINDOWS && runtime != null && !runtime.isEmpty()) {
            candidates.add(Path.of(runtime, "bridgekeeper-jna"));
        }
        String user = props.getProperty("user.name", "user").replaceAll("[^A-Za-z0-9._-]", "_");
        if (platform != Platform.WINDOWS) {
            candidates.add(Path.of("/tmp", "bridgekeeper-jna-" + user));
        }
        return candidates;
    }

    private static boolean creatableAndWritable(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException | SecurityException e) {
            return false;
        }
        return isWritableDirectory(dir);
    }

    private static boolean isWritableDirectory(Path dir) {
        return Files.isDirectory(dir) && Files.isWritable(dir);
    }

    /**
     * Creates {@code dir} with mode 0700, or accepts an existing one only if it is a real directory
     * (not a symlink) owned by us with no access for others: a shared directory in /tmp could be
     * planted by another user to make us load their library.
     */
    public static boolean createPrivate(Path dir) {
        try {
            if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
                Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            }
            if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
                return false;
            }
            String owner = Files.getOwner(dir, LinkOption.NOFOLLOW_LINKS).getName();
            if (!owner.equals(System.getProperty("user.name"))) {
                return false;
            }
            if (!PosixFilePermissions.toString(Files.getPosixFilePermissions(dir, LinkOption.NOFOLLOW_LINKS))
                    .endsWith("------")) {
                return false;
            }
            return Files.isWritable(dir);
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return false;
        }
    }
}
