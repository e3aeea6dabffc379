package dev.bridgekeeper.biometrics;

import dev.bridgekeeper.biometrics.internal.JnaTempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JnaTempDirTest {
    static {
        // surefire points java.io.tmpdir at target/tmp, which nothing else may have created yet
        try {
            Files.createDirectories(Path.of(System.getProperty("java.io.tmpdir")));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @TempDir
    Path temp;

    private Properties props(String home, String javaTmp) {
        Properties p = new Properties();
        p.setProperty("user.home", home);
        p.setProperty("java.io.tmpdir", javaTmp);
        p.setProperty("user.name", System.getProperty("user.name"));
        return p;
    }

    @Test
    void leavesJnaAloneWhenItsDefaultWorks() {
        assertNull(JnaTempDir.choose(Platform.LINUX, Map.of(), props(temp.toString(), "/nonexistent")));
        assertTrue(Files.isDirectory(temp.resolve(".cache/JNA/temp")));
    }

    @Test
    void leavesJnaAloneWhenJavaTmpWorks() throws Exception {
        Path file = Files.createFile(temp.resolve("not-a-dir"));
        assertNull(JnaTempDir.choose(Platform.LINUX, Map.of(), props(file.resolve("home").toString(), temp.toString())));
    }

    @Test
    void neverOverridesAnExplicitChoice() throws Exception {
        Path file = Files.createFile(temp.resolve("not-a-dir"));
        Properties p = props(file.resolve("home").toString(), file.resolve("tmp").toString());
        p.setProperty("jna.tmpdir", "/somewhere");
        assertNull(JnaTempDir.choose(Platform.LINUX, Map.of("XDG_RUNTIME_DIR", temp.toString()), p));
        p.remove("jna.tmpdir");
        p.setProperty("jna.nounpack", "true");
        assertNull(JnaTempDir.choose(Platform.LINUX, Map.of("XDG_RUNTIME_DIR", temp.toString()), p));
    }

    @Test
    void fallsBackToAPrivateDirectoryInTheRuntimeDir() throws Exception {
        Path file = Files.createFile(temp.resolve("not-a-dir"));
        Path chosen = JnaTempDir.choose(Platform.LINUX, Map.of("XDG_RUNTIME_DIR", temp.toString()),
                props(file.resolve("home").toString(), file.resolve("tmp").toString()));
        assertEquals(temp.resolve("bridgekeeper-jna"), chosen);
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(chosen)));
    }

    @Test
    void refusesSharedOrLinkedDirectories() throws Exception {
        Path open = Files.createDirectory(temp.resolve("open"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxr-xr-x"));
        assertFalse(JnaTempDir.createPrivate(open));
        Path target = Files.createDirectory(temp.resolve("target"));
        Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwx------"));
        assertFalse(JnaTempDir.createPrivate(Files.createSymbolicLink(temp.resolve("link"), target)));
        assertTrue(JnaTempDir.createPrivate(target));
    }
}
