package dev.bridgekeeper.protocol.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SocketPathsTest {
    @Test
    void environmentOverrideWins() {
        assertEquals(Path.of("/x/y.sock"), SocketPaths.resolve(Map.of("BRIDGEKEEPER_SOCKET", "/x/y.sock",
                "XDG_RUNTIME_DIR", "/run/user/1000"), "Linux", "ann"));
    }

    @Test
    void linuxUsesTheRuntimeDirElseAPerUserTmpDir() {
        assertEquals(Path.of("/run/user/1000/bridgekeeper/agent.sock"),
                SocketPaths.resolve(Map.of("XDG_RUNTIME_DIR", "/run/user/1000"), "Linux", "ann"));
        assertEquals(Path.of("/tmp/bridgekeeper-ann/agent.sock"), SocketPaths.resolve(Map.of(), "Linux", "ann"));
        assertEquals(Path.of("/tmp/bridgekeeper-ann/agent.sock"),
                SocketPaths.resolve(Map.of("XDG_RUNTIME_DIR", "relative"), "Linux", "ann"));
    }

    @Test
    void macUsesItsPerUserTmpdir() {
        assertEquals(Path.of("/var/folders/ab/T/bridgekeeper/agent.sock"),
                SocketPaths.resolve(Map.of("TMPDIR", "/var/folders/ab/T/"), "Mac OS X", "ann"));
    }

    @Test
    void windowsUsesLocalAppData() {
        Path p = SocketPaths.resolve(Map.of("LOCALAPPDATA", "C:\\Users\\Ann\\AppData\\Local"), "Windows 11", "ann");
        assertTrue(p.toString().endsWith("agent.sock"), p.toString());
        assertTrue(p.toString().contains("Bridgekeeper"), p.toString());
    }

    @Test
    void userNamesCannotEscapeTheTmpDir() {
        assertEquals("_.._etc", SocketPaths.safeName("/../etc"));
        assertEquals("user.hidden", SocketPaths.safeName(".hidden"));
        Path p = SocketPaths.resolve(Map.of(), "Linux", "../../etc");
        assertEquals(Path.of("/tmp"), p.getParent().getParent());
    }
}
