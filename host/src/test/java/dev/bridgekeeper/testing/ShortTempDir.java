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
        if (!Files.exists(path)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(path)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
