package dev.bridgekeeper.agent;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bridgekeeper.protocol.framing.FrameReader;
import dev.bridgekeeper.protocol.local.SocketPaths;
import dev.bridgekeeper.testing.ShortTempDir;
import dev.bridgekeeper.testing.TestExtension;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * Two products embedding Bridgekeeper for one OS user: each has its own socket and data folder,
 * both start, and a real host process started as each product's launcher starts it (with
 * {@code --host-name=}) reaches only its own product's agent.
 */
@DisabledOnOs(OS.WINDOWS) // XDG_RUNTIME_DIR/TMPDIR: the Linux and macOS rules.
class TwoProductsTest {
    static final String ALPHA_CALLER = "chrome-extension://ehcmijlhbioomifbjmghlpklegfgldmf/";
    static final String BETA_CALLER = "chrome-extension://bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb/";

    @Test
    @Timeout(300) // A generous stop for a host that never answers, not a performance check.
    void twoProductsRunSideBySideAndEachHostReachesOnlyItsOwn() throws Exception {
        try (ShortTempDir tmp = new ShortTempDir()) {
            // The host computes its socket from XDG_RUNTIME_DIR and the host name; the agents
            // here get the same rule's answer for the same folder.
            Map<String, String> env = Map.of("XDG_RUNTIME_DIR", tmp.path().toString(), "TMPDIR", tmp.path().toString());
            String os = System.getProperty("os.name");
            Product alpha = new Product(new ProductIdentity("com.example.alpha", "Alpha"), ALPHA_CALLER, tmp, env, os);
            Product beta = new Product(new ProductIdentity("com.example.beta", "Beta"), BETA_CALLER, tmp, env, os);
            try (alpha; beta) {
                assertNotEquals(alpha.bridge.socketPath(), beta.bridge.socketPath());
                assertEquals(tmp.path().resolve("com.example.beta/agent.sock"), beta.bridge.socketPath());

                try (TestExtension a = TestExtension.viaProductHost("com.example.alpha", env, ALPHA_CALLER);
                     TestExtension b = TestExtension.viaProductHost("com.example.beta", env, BETA_CALLER)) {
                    a.awaitReady(60);
                    b.awaitReady(60);
                    assertEquals(ALPHA_CALLER, alpha.asked.poll(60, SECONDS).callerId());
                    assertEquals(BETA_CALLER, beta.asked.poll(60, SECONDS).callerId());
                }
                assertEquals(List.of(ALPHA_CALLER), alpha.bridge.pairings().list().stream()
                        .map(PairedExtension::callerId).toList());
                assertEquals(List.of(BETA_CALLER), beta.bridge.pairings().list().stream()
                        .map(PairedExtension::callerId).toList());

                // Alpha's extension through Beta's launcher: Beta's agent refuses it, and the host
                // relays that refusal to the browser.
                ProcessBuilder pb = new ProcessBuilder(TestExtension.hostCommand("com.example.beta", ALPHA_CALLER));
                pb.environment().putAll(env);
                pb.redirectError(ProcessBuilder.Redirect.INHERIT);
                Process host = pb.start();
                try {
                    FrameReader frames = new FrameReader(host.getInputStream(), 1 << 20);
                    String frame;
                    boolean refused = false;
                    while (!refused && (frame = frames.readJsonText()) != null) {
                        refused = frame.contains("\"not_allowed\"");
                    }
                    assertTrue(refused, "Beta's agent answered Alpha's extension with not_allowed");
                } finally {
                    host.getOutputStream().close();
                    host.destroy();
                    host.waitFor();
                }
                assertEquals(1, beta.bridge.pairings().list().size(), "nothing was paired with the wrong product");
            }
        }
    }

    @Test
    void aSecondAgentOfTheSameProductIsStillRefused() throws Exception {
        try (ShortTempDir tmp = new ShortTempDir()) {
            Map<String, String> env = Map.of("XDG_RUNTIME_DIR", tmp.path().toString());
            ProductIdentity p = new ProductIdentity("com.example.alpha", "Alpha");
            try (Product first = new Product(p, ALPHA_CALLER, tmp, env, "Linux")) {
                DesktopBridge second = DesktopBridge.builder().product(p).socketPath(first.bridge.socketPath())
                        .dataDirectory(tmp.resolve("second")).allowCaller(ALPHA_CALLER).build();
                assertThrows(AgentAlreadyRunningException.class, second::start);
                assertTrue(first.bridge.state() == DesktopBridge.State.STARTED);
            }
        }
    }

    @Test
    void aProductDecidesTheDefaultSocketAndDataFolderAndTheDefaultProductKeepsTodaysPaths() {
        ProductIdentity p = new ProductIdentity("com.example.alpha", "Alpha");
        DesktopBridge b = DesktopBridge.builder().product(p).allowCaller(ALPHA_CALLER).build();
        assertEquals(p, b.product());
        assertEquals(SocketPaths.pathFor("com.example.alpha"), b.socketPath());
        assertEquals(p.socketPath(), b.socketPath());
        DesktopBridge d = DesktopBridge.builder().allowCaller(ALPHA_CALLER).build();
        assertEquals(ProductIdentity.DEFAULT, d.product());
        assertEquals(SocketPaths.defaultPath(), d.socketPath());
        assertEquals(SocketPaths.dataDirectory(SocketPaths.DEFAULT_HOST_NAME), ProductIdentity.DEFAULT.dataDirectory());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DesktopBridge.builder().hostName("Com.Example", "X"));
        assertTrue(e.getMessage().contains("Com.Example"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new ProductIdentity("com.example.alpha", " "));
    }

    /** One product's agent, with its socket where the host will look and its own data folder. */
    private static final class Product implements AutoCloseable {
        final DesktopBridge bridge;
        final LinkedBlockingQueue<PairingRequest> asked = new LinkedBlockingQueue<>();

        Product(ProductIdentity id, String caller, ShortTempDir tmp, Map<String, String> env, String os)
                throws Exception {
            Path socket = SocketPaths.resolve(env::get, os, System.getProperty("user.name"), id.hostName());
            java.nio.file.Files.createDirectories(socket.getParent(),
                    java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                            java.nio.file.attribute.PosixFilePermissions.fromString("rwx------")));
            bridge = DesktopBridge.builder()
                    .product(id)
                    .socketPath(socket)
                    .dataDirectory(SocketPaths.dataDirectory(Map.of("XDG_DATA_HOME", tmp.resolve("data").toString())::get,
                            "Linux", tmp.path().toString(), id.hostName()))
                    .allowCaller(caller)
                    .authenticator(new ScriptedAuthenticator())
                    .pairingApprover(r -> {
                        asked.add(r);
                        return CompletableFuture.completedFuture(true);
                    })
                    .build();
            bridge.start();
        }

        @Override
        public void close() {
            bridge.close();
        }
    }
}
