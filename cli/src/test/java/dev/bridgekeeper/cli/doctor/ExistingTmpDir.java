package dev.bridgekeeper.cli.doctor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.AnnotatedElementContext;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.io.TempDirFactory;

/**
 * Creates @TempDir folders under java.io.tmpdir, creating that folder first: the build points it
 * at target/tmp, which does not exist in a fresh clone.
 */
public final class ExistingTmpDir implements TempDirFactory {
    @Override
    public Path createTempDirectory(AnnotatedElementContext element, ExtensionContext context) throws IOException {
        Path base = Files.createDirectories(Path.of(System.getProperty("java.io.tmpdir")));
        return Files.createTempDirectory(base, "doctor-");
    }
}
