package dev.bridgekeeper.agent;

import static dev.bridgekeeper.agent.internal.ipc.IpcTestKit.take;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bridgekeeper.biometrics.Outcome;
import dev.bridgekeeper.biometrics.VerificationRequest;
import dev.bridgekeeper.cli.MainAccess;
import dev.bridgekeeper.protocol.framing.FrameReader;
import dev.bridgekeeper.protocol.framing.FrameWriter;
import dev.bridgekeeper.ipc.Endpoint;
import dev.bridgekeeper.ipc.IncomingMessage;
import dev.bridgekeeper.ipc.RpcErrorCode;
import dev.bridgekeeper.ipc.RpcException;
import dev.bridgekeeper.noise.KeyPair;
import dev.bridgekeeper.protocol.local.ChannelStreams;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The agent as users run it: real socket, real host processes, Java extensions through them. */
class DesktopBridgeTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private AgentHarness h;

    @BeforeEach
    void setUp() throws Exception {
        h = new AgentHarness();
    }

    @AfterEach
    void tearDown() throws Exception {
        h.close();
    }

    private static JsonNode unlock(AgentHarness.Extension e) throws Exception {
        return e.client().call(Endpoint.desktop(), "biometric.unlock", JSON.createObjectNode().put("reason", "test"))
                .get(30, SECONDS);
    }

    private static RpcException rpcFailure(CompletableFuture<JsonNode> f) throws Exception {
        try {
            f.get(30, SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RpcException r) {
                return r;
            }
            throw e;
        }
        throw new AssertionError("expected an RPC error");
    }

    @Test
    void twoConnectionsPairAndUnlockThroughRealHosts() throws Exception {
        h.start();
        AgentHarness.Extension a = h.extension();
        AgentHarness.Extension b = h.extension();
        a.awaitReady();
        b.awaitReady();
        assertEquals(2, h.bridge.pairings().list().size());
        for (AgentHarness.Extension e : List.of(a, b)) {
            JsonNode r = unlock(e);
            assertEquals(System.getProperty("user.name"), r.path("user").asText());
            assertArrayEquals(h.userKey, Base64.getDecoder().decode(r.path("key").asText()));
            JsonNode status = e.client().call(Endpoint.desktop(), "biometric.status", null).get(30, SECONDS);
            assertEquals("available", status.path("status").asText());
        }
    }

    @Test
    void fiftyConcurrentConnectionsEachPairAndCall() throws Exception {
        h.start(b -> b.promptsPerMinute(1000).pairingsPerMinute(50));
        List<AgentHarness.Extension> all = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            all.add(h.extension());
        }
        for (AgentHarness.Extension e : all) {
            e.awaitReady();
        }
        List<CompletableFuture<JsonNode>> calls = new ArrayList<>();
        for (AgentHarness.Extension e : all) {
            calls.add(e.client().call(Endpoint.desktop(), "biometric.status", null));
        }
        for (CompletableFuture<JsonNode> c : calls) {
            assertEquals("available", c.get(60, SECONDS).path("status").asText());
        }
        assertEquals(50, h.bridge.pairings().list().size());
        assertEquals(50, h.bridge.ipc().connections().size());
    }

    @Test
    void aCallerNotOnTheAllowListIsRefused() throws Exception {
        h.start();
        try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(h.socket))) {
            new FrameWriter(ChannelStreams.output(ch), 1 << 20).writeText("{\"type\":\"hello\",\"protocol\":1,"
                    + "\"host\":{\"version\":\"0.1.0\",\"pid\":1},\"caller\":{\"browser\":\"chromium\",\"id\":\""
                    + AgentHarness.OTHER_CALLER + "\"}}");
            FrameReader r = new FrameReader(ChannelStreams.input(ch), 1 << 20);
            JsonNode err = JSON.readTree(r.readJsonText());
            assertEquals("error", err.path("type").asText());
            assertEquals("not_allowed", err.path("code").asText());
            assertEquals(-1, r.next(), "then the agent closes the connection");
        }
        assertTrue(h.asked.isEmpty());
    }

    @Test
    void beforePairingOnlyDiscoveryWorks() throws Exception {
        h.autoApprove = false;
        h.start();
        AgentHarness.Extension e = h.extension();
        take(h.asked); // Pairing waits for the user.
        JsonNode channels = e.client().discover(Endpoint.desktop()).get(30, SECONDS);
        assertEquals("1.0.0", channels.path("channels").path("biometric").asText(), channels.toString());
        CompletableFuture<JsonNode> early = e.client().call(Endpoint.desktop(), "biometric.unlock",
                JSON.createObjectNode().put("reason", "early"));
        Throwable t = assertThrowsCause(early);
        assertTrue(t instanceof RpcException r && r.code() == RpcErrorCode.NOT_PAIRED.code()
                || t instanceof dev.bridgekeeper.agent.internal.ipc.IpcException, String.valueOf(t));
        assertTrue(h.authenticator.requests.isEmpty(), "no prompt for an unpaired extension");
    }

    private static Throwable assertThrowsCause(CompletableFuture<?> f) throws Exception {
        try {
            f.get(30, SECONDS);
        } catch (ExecutionException e) {
            return e.getCause();
        }
        throw new AssertionError("expected a failure");
    }

    @Test
    void lockAndUnlockEventsReachEveryPairedConnection() throws Exception {
        h.start();
        List<BlockingQueue<String>> inboxes = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            AgentHarness.Extension e = h.extension();
            e.awaitReady();
            BlockingQueue<String> inbox = new LinkedBlockingQueue<>();
            e.client().subscribe("desktop.locked", (IncomingMessage m) -> inbox.add(m.topic()));
            e.client().subscribe("desktop.unlocked", (IncomingMessage m) -> inbox.add(m.topic()));
            inboxes.add(inbox);
        }
        MainAccess.Result locked = h.cli("lock");
        assertEquals(0, locked.code(), locked.err());
        for (BlockingQueue<String> inbox : inboxes) {
            assertEquals("desktop.locked", take(inbox));
        }
        MainAccess.Result unlocked = h.cli("unlock");
        assertEquals(0, unlocked.code(), unlocked.err());
        for (BlockingQueue<String> inbox : inboxes) {
            assertEquals("desktop.unlocked", take(inbox));
        }
    }

    @Test
    void unlockWhileLockedAnswersLockedWithoutAPrompt() throws Exception {
        h.start();
        AgentHarness.Extension e = h.extension();
        e.awaitReady();
        h.vault.lock();
        RpcException r = rpcFailure(e.client().call(Endpoint.desktop(), "biometric.unlock",
                JSON.createObjectNode().put("reason", "x")));
        assertEquals(RpcErrorCode.LOCKED.code(), r.code());
        assertTrue(h.authenticator.requests.isEmpty());
        JsonNode status = e.client().call(Endpoint.desktop(), "biometric.status", null).get(30, SECONDS);
        assertEquals("desktop_locked", status.path("status").asText());
    }

    @Test
    void aPromptNobodyAnswersTimesOut() throws Exception {
        h.start(b -> b.promptTimeout(Duration.ofMillis(300)));
        h.authenticator.hold = true;
        AgentHarness.Extension e = h.extension();
        e.awaitReady();
        RpcException r = rpcFailure(e.client().call(Endpoint.desktop(), "biometric.authenticate",
                JSON.createObjectNode().put("reason", "x")));
        assertEquals(RpcErrorCode.TIMEOUT.code(), r.code());
        VerificationRequest asked = take(h.authenticator.requests);
        assertEquals(Duration.ofMillis(300), asked.timeout());
        assertTrue(asked.reason().contains("Test Extension"), "the prompt names who asks: " + asked.reason());
    }

    @Test
    void rpcCancelDismissesThePendingPromptAndOthersAreRateLimitedMeanwhile() throws Exception {
        h.start();
        h.authenticator.hold = true;
        AgentHarness.Extension e = h.extension();
        e.awaitReady();
        CompletableFuture<JsonNode> first = e.client().call(Endpoint.desktop(), "biometric.unlock",
                JSON.createObjectNode().put("reason", "first"));
        CompletableFuture<?> prompt = take(h.authenticator.prompts);
        RpcException second = rpcFailure(e.client().call(Endpoint.desktop(), "biometric.unlock",
                JSON.createObjectNode().put("reason", "second")));
        assertEquals(RpcErrorCode.RATE_LIMITED.code(), second.code(), "one prompt per user at a time");
        first.cancel(true); // The client sends rpc.cancel.
        for (int i = 0; i < 100 && !prompt.isCancelled(); i++) {
            Thread.sleep(50);
        }
        assertTrue(prompt.isCancelled(), "the OS prompt was dismissed");
        h.authenticator.hold = false;
        assertNotNull(unlock(e).path("key").asText(null), "after the cancel a new prompt may be shown");
    }

    @Test
    void deniedAndCancelledPromptsAreReportedAsSuch() throws Exception {
        h.start();
        AgentHarness.Extension e = h.extension();
        e.awaitReady();
        h.authenticator.answer = Outcome.USER_CANCELLED;
        assertEquals(RpcErrorCode.USER_CANCELLED.code(), rpcFailure(e.client().call(Endpoint.desktop(),
                "biometric.unlock", JSON.createObjectNode().put("reason", "x"))).code());
        h.authenticator.answer = Outcome.UNAVAILABLE;
        RpcException unavailable = rpcFailure(e.client().call(Endpoint.desktop(), "biometric.authenticate",
                JSON.createObjectNode().put("reason", "x")));
        assertEquals(RpcErrorCode.BIOMETRICS_UNAVAILABLE.code(), unavailable.code());
        assertTrue(unavailable.data().has("status"), "data.status says why");
    }

    @Test
    void afterAnAgentRestartTheExtensionReconnectsByItselfWithoutPairingAgain() throws Exception {
        h.start();
        AgentHarness.Extension e = h.extension();
        e.awaitReady();
        take(h.asked);
        h.stopAgent();
        h.start();
        // The same client: its host reported desktop_unavailable, then connected again.
        for (int i = 0; i < 200; i++) {
            if (h.bridge.ipc().connections().stream().anyMatch(s -> s.paired())) {
                break;
            }
            Thread.sleep(50);
        }
        e.awaitReady();
        assertArrayEquals(h.userKey, Base64.getDecoder().decode(unlock(e).path("key").asText()));
        assertTrue(h.asked.isEmpty(), "no second pairing: the pairing survived the restart");
        assertEquals(1, h.bridge.pairings().list().size());
    }

    @Test
    void pairingsCliApprovesByCodeListsAndRevokes() throws Exception {
        h.autoApprove = false;
        h.start();
        AgentHarness.Extension e = h.extension();
        String code = take(e.ui().codes);
        take(h.asked);
        MainAccess.Result list = h.cli("pairings", "list");
        assertEquals(0, list.code(), list.err());
        assertTrue(list.out().contains(code), list.out());
        MainAccess.Result wrong = h.cli("pairings", "approve", "000000".equals(code.replace(" ", "")) ? "111111" : "000000");
        assertEquals(1, wrong.code(), "a code nobody shows approves nothing");
        MainAccess.Result ok = h.cli("pairings", "approve", code.replace(" ", ""));
        assertEquals(0, ok.code(), ok.err());
        e.awaitReady();
        MainAccess.Result json = h.cli("pairings", "list", "--json");
        JsonNode listed = JSON.readTree(json.out());
        assertEquals(1, listed.path("pairings").size());
        String id = listed.path("pairings").get(0).path("id").asText();

        MainAccess.Result revoked = h.cli("pairings", "revoke", id);
        assertEquals(0, revoked.code(), revoked.err());
        assertEquals("pairing_revoked", take(e.ui().failures));
        assertTrue(h.bridge.pairings().list().isEmpty());
        // The host reconnects, and the extension must pair again: the user is asked anew.
        assertNotNull(take(h.asked));
    }

    @Test
    void aSandboxedBrowsersSocketReachesTheSameAgent() throws Exception {
        java.nio.file.Path sandbox = h.tmp.resolve("flatpak/data/bridgekeeper");
        java.nio.file.Files.createDirectories(sandbox);
        h.start(b -> b.alsoListenOn(sandbox.resolve("agent.sock")));
        dev.bridgekeeper.agent.internal.ipc.IpcClient client = dev.bridgekeeper.agent.internal.ipc.IpcClient.builder()
                .backend(dev.bridgekeeper.agent.internal.transport.NativeHostBackend.direct(sandbox.resolve("agent.sock"), "chromium",
                        AgentHarness.CALLER))
                .cryptoProvider(dev.bridgekeeper.agent.internal.secure.NoiseCryptoProvider.initiator(
                        KeyPair.generate(AgentHarness.RANDOM), AgentHarness.CALLER).build())
                .sessionRepository(new dev.bridgekeeper.agent.internal.ipc.InMemorySessionRepository())
                .build();
        try (client) {
            client.start();
            client.whenReady(Endpoint.desktop()).get(30, SECONDS);
            assertEquals("available", client.call(Endpoint.desktop(), "biometric.status", null).get(30, SECONDS)
                    .path("status").asText());
        }
    }

    @Test
    void theReferenceAgentFindsTheSandboxSocketsTheInstallerMade() throws Exception {
        java.nio.file.Path home = h.tmp.resolve("home");
        java.nio.file.Files.createDirectories(home.resolve(".var/app/org.chromium.Chromium/data/bridgekeeper"));
        java.nio.file.Files.createDirectories(home.resolve(".var/app/org.mozilla.firefox/cache"));
        assertEquals(List.of(home.resolve(".var/app/org.chromium.Chromium/data/bridgekeeper/agent.sock")),
                dev.bridgekeeper.cli.MainAccess.flatpakSockets(home));
    }

    @Test
    void aDifferentDesktopKeyIsRefusedByTheExtension() throws Exception {
        h.start();
        AgentHarness.Extension e = h.extension(AgentHarness.CALLER, KeyPair.generate(AgentHarness.RANDOM));
        e.awaitReady();
        h.stopAgent();
        // A new identity in the same place: an impostor, or a reinstalled desktop app.
        java.nio.file.Files.delete(h.dataDir.resolve("identity.key"));
        h.start();
        assertEquals("desktop_identity_changed", take(e.ui().failures));
    }
}
