package dev.bridgekeeper.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A temporary directory with a short path: Unix socket paths must stay under ~100 bytes, and a
 * JUnit {@code @TempDir} under a deep checkout can be longer than that.
 */
public final class ShortTempDir implements AutoCloseable {
    private final Path path;

    public ShortTempDir() throws IOException {
        this.path = Files.createTempDirectory(Path.of("/tmp"), "bk");
    }

    public Path path() {
        return path;
    }

    public Path resolve(String name) {
        return path.resolve(name);
    }

    @Override
    public void close() throws IOException {
        deleteTree(path);
    }

    /** Deletes a directory and everything in it (nothing if it does not exist). */
    public static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
