package dev.bridgekeeper.protocol.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
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

    @Test
    void eachProductHasItsOwnSocketAndTheDefaultKeepsTodaysPaths() {
        Map<String, String> env = Map.of("XDG_RUNTIME_DIR", "/run/user/1000");
        assertEquals(SocketPaths.resolve(env, "Linux", "ann"),
                SocketPaths.resolve(env::get, "Linux", "ann", SocketPaths.DEFAULT_HOST_NAME));
        assertEquals(Path.of("/run/user/1000/com.example.vault/agent.sock"),
                SocketPaths.resolve(env::get, "Linux", "ann", "com.example.vault"));
        assertEquals(Path.of("/tmp/com.example.vault-ann/agent.sock"),
                SocketPaths.resolve(Map.<String, String>of()::get, "Linux", "ann", "com.example.vault"));
        assertEquals(Path.of("/var/folders/ab/T/com.example.vault/agent.sock"),
                SocketPaths.resolve(Map.of("TMPDIR", "/var/folders/ab/T/")::get, "Mac OS X", "ann", "com.example.vault"));
    }

    @Test
    void dataDirectoriesPerProduct() {
        Map<String, String> none = Map.of();
        assertEquals(Path.of("/home/ann/.local/share/bridgekeeper/agent"),
                SocketPaths.dataDirectory(none::get, "Linux", "/home/ann", SocketPaths.DEFAULT_HOST_NAME));
        assertEquals(Path.of("/x/com.example.vault/agent"),
                SocketPaths.dataDirectory(Map.of("XDG_DATA_HOME", "/x")::get, "Linux", "/home/ann", "com.example.vault"));
        assertEquals(Path.of("/Users/ann/Library/Application Support/Bridgekeeper/agent"),
                SocketPaths.dataDirectory(none::get, "Mac OS X", "/Users/ann", SocketPaths.DEFAULT_HOST_NAME));
        assertEquals(Path.of("/Users/ann/Library/Application Support/com.example.vault/agent"),
                SocketPaths.dataDirectory(none::get, "Mac OS X", "/Users/ann", "com.example.vault"));
    }

    @Test
    void hostNamesFollowTheBrowsersRules() {
        for (String ok : new String[] {"dev.bridgekeeper.host", "com.example.vault", "a_b.c9", "x.y"}) {
            assertEquals(ok, SocketPaths.requireHostName(ok));
        }
        for (String bad : new String[] {"", "vault", "Com.Example", "com..example", ".com.example", "com.example.",
                "com.exa-mple", "com/example", "com.example.\u00e9", "a.bcdefghijklmnopqrstuvwxyzabcdefghijklmnop"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SocketPaths.requireHostName(bad));
            assertTrue(e.getMessage().contains("host name"), e.getMessage());
        }
    }
}
