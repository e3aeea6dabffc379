package dev.bridgekeeper.agent.internal.secure;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Set;

/**
 * Durable, atomic replacement of small files that hold trust (keys, pairings).
 *
 * <p>A write goes to a fresh temporary file in the same directory (mode 0600), is forced to disk,
 * renamed over the target in one atomic step, and the directory is forced too, so after a crash or
 * power loss at any point the target holds either the old content or the new, never a mix. A
 * failed write (a full disk, say) removes its temporary file and leaves the target untouched.
 */
public final class AtomicFiles {
    private AtomicFiles() {}

    private static final Set<PosixFilePermission> DIR_MODE = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> FILE_MODE = PosixFilePermissions.fromString("rw-------");
    private static final SecureRandom RANDOM = new SecureRandom();

    /**
     * Creates {@code dir} 0700 if needed, or checks an existing one: it must be ours and closed to
     * group and others. An existing directory is never re-moded (it might be a shared one); a
     * loose one is refused with the command that fixes it.
     */
    public static void ensurePrivateDirectory(Path dir) throws IOException {
        if (!isPosix()) {
            Files.createDirectories(dir);
            return;
        }
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            if (dir.getParent() != null) {
                Files.createDirectories(dir.getParent());
            }
            try {
                Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(DIR_MODE));
            } catch (java.nio.file.FileAlreadyExistsException raced) {
                // Checked below like any existing directory.
            }
        }
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException(dir + " is not a directory");
        }
        UserPrincipal owner = Files.getOwner(dir, LinkOption.NOFOLLOW_LINKS);
        Path probe = Files.createTempFile(dir, ".owner", ".probe");
        try {
            if (!Files.getOwner(probe).equals(owner)) {
                throw new IOException("data directory " + dir + " belongs to " + owner.getName()
                        + ", not to this user; refusing to keep secrets there");
            }
        } finally {
            Files.deleteIfExists(probe);
        }
        Set<PosixFilePermission> mode = Files.getPosixFilePermissions(dir, LinkOption.NOFOLLOW_LINKS);
        for (PosixFilePermission p : mode) {
            if (p.name().startsWith("GROUP_") || p.name().startsWith("OTHERS_")) {
                throw new IOException("data directory " + dir + " is open to other users (mode "
                        + PosixFilePermissions.toString(mode) + "); keys and pairings need a private one: "
                        + "run 'chmod 700 " + dir + "' or choose another directory");
            }
        }
    }

    /** Replaces {@code target} with {@code content} atomically and durably, mode 0600. */
    public static void write(Path target, byte[] content) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Path tmp = dir.resolve("." + target.getFileName() + ".tmp-" + HexFormat.of().formatHex(randomBytes(6)));
        try {
            if (isPosix()) {
                Files.createFile(tmp, PosixFilePermissions.asFileAttribute(FILE_MODE));
            } else {
                Files.createFile(tmp);
            }
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ByteBuffer buf = ByteBuffer.wrap(content);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true);
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("the file system of " + dir + " cannot replace files atomically", e);
            }
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        forceDirectory(dir);
    }

    /** Makes a rename in {@code dir} durable (Linux/macOS); Windows has no directory handles to force. */
    private static void forceDirectory(Path dir) {
        if (!isPosix()) {
            return;
        }
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException ignored) {
            // Some file systems refuse fsync on directories; the rename itself is still atomic.
        }
    }

    /** Removes temporary files a crash left behind in {@code dir} for {@code target}. */
    public static void removeLeftovers(Path target) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        String prefix = "." + target.getFileName() + ".tmp-";
        try (var files = Files.list(dir)) {
            for (Path p : files.filter(p -> p.getFileName().toString().startsWith(prefix)).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }

    static boolean isPosix() {
        return FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    }
}
