package dev.bridgekeeper.fuzz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bridgekeeper.ipc.Endpoint;
import dev.bridgekeeper.testing.InMemoryHub;
import dev.bridgekeeper.agent.internal.ipc.InMemorySessionRepository;
import dev.bridgekeeper.agent.internal.ipc.IpcClient;
import dev.bridgekeeper.agent.internal.ipc.JsonLimits;
import dev.bridgekeeper.agent.internal.ipc.PairingRecord;
import dev.bridgekeeper.agent.internal.ipc.Topics;
import dev.bridgekeeper.noise.DecryptFailedException;
import dev.bridgekeeper.noise.KeyPair;
import dev.bridgekeeper.noise.NoiseException;
import dev.bridgekeeper.agent.internal.secure.InitiatorListener;
import dev.bridgekeeper.agent.internal.secure.NoiseCryptoProvider;
import dev.bridgekeeper.agent.PairingApprover;
import dev.bridgekeeper.agent.PairingRequest;
import dev.bridgekeeper.agent.internal.secure.PairingStore;
import dev.bridgekeeper.agent.internal.secure.RateLimiter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Hostile input at the session and IPC level, against the desktop's real stack ({@link IpcClient}
 * with the {@link NoiseCryptoProvider} responder and a {@link PairingStore} on disk) over an
 * in-memory hub. Every attack gets the documented {@code error} envelope (PROTOCOL.md §2) or RPC
 * error (§6) and, where the protocol says so, the connection closes; a well-behaved extension
 * connected at the same time keeps working; the pairing file is not written.
 */
class HostileInputTest {
    private static final String CALLER = FixedKeys.CALLER;
    private static final String GOOD_CALLER = "chrome-extension://abcdefghijklmnopabcdefghijklmnop/";
    private static final SecureRandom RANDOM = new SecureRandom();

    @TempDir
    Path dataDir;

    private final InMemoryHub hub = new InMemoryHub();
    private final List<AutoCloseable> owned = new ArrayList<>();
    private final AtomicLong pairingClock = new AtomicLong();
    private final LinkedBlockingQueue<PairingRequest> approvals = new LinkedBlockingQueue<>();
    private final CountDownLatch unblock = new CountDownLatch(1);
    private PairingStore store;
    private IpcClient desktop;
    private IpcClient good;

    @BeforeEach
    void startDesktopAndAWellBehavedExtension() throws Exception {
        store = PairingStore.open(dataDir);
        KeyPair goodKey = KeyPair.generate(RANDOM);
        store.save(new PairingRecord("good", "Good Extension", GOOD_CALLER, goodKey.publicKey(), Instant.EPOCH, null));
        store.save(new PairingRecord("fixed", "Fixed Extension", CALLER, FixedKeys.extensionStatic().publicKey(),
                Instant.EPOCH, null));

        PairingApprover neverAnswers = request -> {
            approvals.add(request);
            return new CompletableFuture<>();
        };
        desktop = own(IpcClient.builder().backend(hub.desktop())
                .cryptoProvider(NoiseCryptoProvider.responder(FixedKeys.desktopStatic()).identity("Test Desktop", "1.0.0")
                        .approver(neverAnswers)
                        .handshakeTimeout(Duration.ofSeconds(5))
                        .pairingLimiter(new RateLimiter(5, TimeUnit.MINUTES.toNanos(1), pairingClock::get))
                        .build())
                .sessionRepository(store)
                .maxConcurrentRequests(4)
                .build());
        desktop.register("test.echo", (params, ctx) -> params);
        desktop.register("test.block", (params, ctx) -> CompletableFuture.supplyAsync(() -> {
            try {
                unblock.await(RecordingPeer.WAIT_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return params;
        }));
        desktop.start();

        InMemorySessionRepository pins = new InMemorySessionRepository();
        pins.save(new PairingRecord("desktop", "Test Desktop", GOOD_CALLER, FixedKeys.desktopStatic().publicKey(),
                Instant.EPOCH, null));
        good = own(IpcClient.builder().backend(hub.connect(GOOD_CALLER))
                .cryptoProvider(NoiseCryptoProvider.initiator(goodKey, GOOD_CALLER).identity("Good Extension", "1.0.0")
                        .listener(InitiatorListener.NONE).build())
                .sessionRepository(pins)
                .build());
        good.start();
        await(good.whenReady(Endpoint.desktop()));
    }

    @AfterEach
    void stop() throws Exception {
        unblock.countDown();
        for (AutoCloseable c : owned) {
            c.close();
        }
        hub.close();
    }

    // ---------------------------------------------------------------- envelopes and handshake

    static Stream<HostileFrames.Case> firstFrames() {
        return HostileFrames.firstFrames().stream();
    }

    static Stream<HostileFrames.Case> handshakeSequences() {
        return HostileFrames.handshakeSequences().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource({"firstFrames", "handshakeSequences"})
    void hostileEnvelopesGetTheDocumentedErrorAndClose(HostileFrames.Case attack) throws Exception {
        byte[] before = pairingFile();
        RecordingPeer peer = connect(CALLER);
        List<byte[]> frames = attack.frames();
        for (byte[] frame : frames) {
            peer.send(frame);
        }
        if (attack.expectedError() == null) {
            peer.awaitClosed();
            assertNull(peer.pollNow(), "the desktop answered a peer's error envelope");
        } else {
            assertErrorThenClose(peer, attack.expectedError());
        }
        assertWellBehavedStillServed();
        assertArrayEquals(before, pairingFile(), "the pairing file changed");
        assertTrue(approvals.isEmpty(), "a pairing was asked for");
    }

    @Test
    void anEnvelopeAtTheNestingLimitIsStillRead() {
        // The same frame one level deeper is refused (see HostileFrames); this one is a normal step 1.
        RecordingPeer peer = connect(CALLER);
        String key = Base64.getEncoder().encodeToString(ScriptedInitiator.fixed().step1());
        peer.send(Envelopes.utf8("{\"type\":\"handshake\",\"step\":1,\"data\":\"" + key + "\",\"x\":"
                + HostileFrames.nestedArrays(JsonLimits.MAX_NESTING_DEPTH - 1) + "}"));
        JsonNode answer = Envelopes.parse(peer.next());
        assertEquals("handshake", answer.path("type").asText());
        assertEquals(2, answer.path("step").asInt());
    }

    @Test
    void aCallerIdThatDoesNotMatchThePrologueFailsTheHandshake() throws Exception {
        byte[] before = pairingFile();
        // The host said CALLER; the extension mixed another caller id into its prologue.
        ScriptedInitiator liar = new ScriptedInitiator(FixedKeys.extensionStatic(), null,
                "chrome-extension://aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/");
        RecordingPeer peer = connect(CALLER);
        peer.send(Envelopes.handshake(1, liar.step1()));
        byte[] step2 = peer.next();
        assertThrows(NoiseException.class, () -> liar.readStep2Envelope(step2), "the transcripts differ");
        // It cannot produce step 3; whatever it sends instead fails.
        peer.send(Envelopes.handshake(3, new byte[96]));
        assertErrorThenClose(peer, "handshake_failed");
        assertWellBehavedStillServed();
        assertArrayEquals(before, pairingFile());
        assertTrue(approvals.isEmpty());
    }

    // ---------------------------------------------------------------- after the handshake

    /** A stranger (unpaired key) that finished the handshake: the desktop waits for its pairing nonce. */
    private ScriptedInitiator stranger(RecordingPeer peer) throws Exception {
        ScriptedInitiator s = new ScriptedInitiator(KeyPair.generate(RANDOM), null, CALLER);
        peer.send(Envelopes.handshake(1, s.step1()));
        s.readStep2Envelope(peer.next());
        peer.send(Envelopes.handshake(3, s.step3("Stranger", "1.0")));
        assertEquals("pairing.commit", s.openMessage(peer.next()).path("topic").asText());
        return s;
    }

    @Test
    void aReplayedCiphertextIsDecryptFailed() throws Exception {
        byte[] before = pairingFile();
        RecordingPeer peer = connect(CALLER);
        ScriptedInitiator s = stranger(peer);
        byte[] event = s.seal(Envelopes.ipc("app.event", Envelopes.json("{}"))).get(0);
        peer.send(event);
        peer.send(event);
        assertErrorThenClose(peer, "decrypt_failed");
        assertWellBehavedStillServed();
        assertArrayEquals(before, pairingFile());
        assertTrue(approvals.isEmpty());
    }

    @Test
    void reorderedCiphertextsAreDecryptFailed() throws Exception {
        RecordingPeer peer = connect(CALLER);
        ScriptedInitiator s = stranger(peer);
        byte[] first = s.seal(Envelopes.ipc("app.a", Envelopes.json("{}"))).get(0);
        byte[] second = s.seal(Envelopes.ipc("app.b", Envelopes.json("{}"))).get(0);
        peer.send(second);
        peer.send(first);
        assertErrorThenClose(peer, "decrypt_failed");
        assertWellBehavedStillServed();
    }

    @Test
    void anAlteredOrForeignCiphertextIsDecryptFailed() throws Exception {
        RecordingPeer peer = connect(CALLER);
        ScriptedInitiator s = stranger(peer);
        byte[] ct = s.sealPiece(Envelopes.ipc("app.a", Envelopes.json("{}")));
        ct[ct.length - 1] ^= 1;
        peer.send(Envelopes.secure(ct, false));
        assertErrorThenClose(peer, "decrypt_failed");
        assertWellBehavedStillServed();
    }

    static Stream<String[]> badSecureEnvelopes() {
        return Stream.of(
                new String[] {"{\"type\":\"secure\",\"data\":\"%%%\"}", "protocol_error"},
                new String[] {"{\"type\":\"secure\",\"data\":42}", "protocol_error"},
                new String[] {"{\"type\":\"secure\"}", "protocol_error"},
                new String[] {"{\"type\":\"secure\",\"data\":\"AAAA\",\"more\":\"yes\"}", "protocol_error"},
                new String[] {"{\"type\":\"secure\",\"data\":\"AAAA\",\"more\":1}", "protocol_error"},
                new String[] {"{\"type\":\"secure\",\"data\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\"}", "decrypt_failed"},
                new String[] {"{\"type\":\"handshake\",\"step\":1,\"data\":\"AAAA\"}", "handshake_failed"},
                new String[] {"{\"type\":\"nonsense\"}", "protocol_error"});
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badSecureEnvelopes")
    void badEnvelopesAfterTheHandshakeGetTheDocumentedError(String envelope, String error) throws Exception {
        byte[] before = pairingFile();
        RecordingPeer peer = connect(CALLER);
        stranger(peer);
        peer.send(Envelopes.utf8(envelope));
        assertErrorThenClose(peer, error);
        assertWellBehavedStillServed();
        assertArrayEquals(before, pairingFile());
    }

    @Test
    void pairingAndSessionMessagesOutOfTurnAreProtocolErrors() throws Exception {
        for (JsonNode[] bad : new JsonNode[][] {
                {Envelopes.json("\"session.ready\""), Envelopes.json("{\"paired\":true}")},
                {Envelopes.json("\"pairing.nonce\""), Envelopes.json("{\"nonce\":\"AAAA\"}")},
                {Envelopes.json("\"pairing.complete\""), Envelopes.json("{\"approved\":true}")},
                {Envelopes.json("\"pairing.nonce\""), Envelopes.json("[1]")}}) {
            RecordingPeer peer = connect(CALLER);
            ScriptedInitiator s = stranger(peer);
            for (byte[] frame : s.seal(Envelopes.ipc(bad[0].asText(), bad[1]))) {
                peer.send(frame);
            }
            assertErrorThenClose(peer, "protocol_error");
        }
        assertWellBehavedStillServed();
        assertTrue(approvals.isEmpty(), "a malformed nonce reached the approver");
    }

    // ---------------------------------------------------------------- floods

    /** The fixed extension, paired: handshake done, {@code session.ready} read. */
    private ScriptedInitiator paired(RecordingPeer peer) throws Exception {
        ScriptedInitiator s = ScriptedInitiator.fixed();
        peer.send(Envelopes.handshake(1, s.step1()));
        s.readStep2Envelope(peer.next());
        peer.send(Envelopes.handshake(3, s.step3("Fixed Extension", "1.0")));
        assertEquals("session.ready", s.openMessage(peer.next()).path("topic").asText());
        return s;
    }

    private static byte[] request(ScriptedInitiator s, String id, String method, String params) {
        List<byte[]> frames = s.seal(Envelopes.ipc(Topics.RPC_REQUEST,
                Envelopes.json("{\"id\":\"" + id + "\",\"method\":\"" + method + "\",\"params\":" + params + "}")));
        assertEquals(1, frames.size());
        return frames.get(0);
    }

    private static JsonNode response(ScriptedInitiator s, RecordingPeer peer) throws DecryptFailedException {
        byte[] frame = peer.next();
        assertNotNull(frame, "no answer");
        JsonNode m = s.openMessage(frame);
        assertEquals(Topics.RPC_RESPONSE, m.path("topic").asText());
        return m.get("payload");
    }

    @Test
    void anRpcFloodIsRateLimitedPerConnectionAndOthersAreStillServed() throws Exception {
        RecordingPeer peer = connect(CALLER);
        ScriptedInitiator s = paired(peer);
        byte[] before = pairingFile(); // Taken after the handshake, which records when the pairing was last seen.
        for (int i = 0; i < 4; i++) {
            peer.send(request(s, "hold-" + i, "test.block", "{}"));
        }
        // Four are in progress (the limit): every further request is refused at once, in order.
        for (int i = 0; i < 50; i++) {
            peer.send(request(s, "extra-" + i, "test.block", "{}"));
        }
        for (int i = 0; i < 50; i++) {
            JsonNode r = response(s, peer);
            assertEquals("extra-" + i, r.path("id").asText());
            assertEquals(-32005, r.path("error").path("code").asInt(), "rate_limited");
        }
        assertWellBehavedStillServed(); // Its own connection has its own limit.
        unblock.countDown();
        Map<String, JsonNode> held = new HashMap<>();
        for (int i = 0; i < 4; i++) {
            JsonNode r = response(s, peer);
            held.put(r.path("id").asText(), r);
        }
        for (int i = 0; i < 4; i++) {
            assertTrue(held.get("hold-" + i).has("result"), "held request answered with its result");
        }
        assertFalse(peer.isClosed(), "a flood is not a protocol error");
        assertArrayEquals(before, pairingFile());
    }

    @Test
    void aBurstOfRequestsGetsExactlyOneAnswerEach() throws Exception {
        RecordingPeer peer = connect(CALLER);
        ScriptedInitiator s = paired(peer);
        int n = 500;
        for (int i = 0; i < n; i++) {
            peer.send(request(s, "r" + i, i % 2 == 0 ? "test.echo" : "ipc.discover", "{\"i\":" + i + "}"));
        }
        Map<String, Integer> answers = new HashMap<>();
        for (int i = 0; i < n; i++) {
            JsonNode r = response(s, peer);
            answers.merge(r.path("id").asText(), 1, Integer::sum);
            assertTrue(r.has("result") || r.path("error").path("code").asInt() == -32005, r.toString());
        }
        assertEquals(n, answers.size());
        assertTrue(answers.values().stream().allMatch(c -> c == 1));
        assertNull(peer.poll(50, TimeUnit.MILLISECONDS), "an extra answer");
        assertWellBehavedStillServed();
    }

    @Test
    void deeplyNestedOrHugeRequestsAreParseErrorsAndTheConnectionStaysUsable() throws Exception {
        RecordingPeer peer = connect(CALLER);
        ScriptedInitiator s = paired(peer);
        // The message object is level 1, payload 2, params 3: params nested to the limit still pass.
        int paramsDepth = JsonLimits.MAX_NESTING_DEPTH - 2;
        String atLimit = "{\"a\":" + HostileFrames.nestedArrays(paramsDepth - 1) + "}";
        peer.send(request(s, "deep-ok", "test.echo", atLimit));
        JsonNode ok = response(s, peer);
        assertEquals("deep-ok", ok.path("id").asText());
        assertTrue(ok.has("result"), ok.toString());

        String overLimit = "{\"a\":" + HostileFrames.nestedArrays(paramsDepth) + "}";
        peer.send(request(s, "deep-bad", "test.echo", overLimit));
        JsonNode bad = response(s, peer);
        assertTrue(bad.get("id").isNull(), "an unreadable request is answered with id null");
        assertEquals(-32700, bad.path("error").path("code").asInt(), "parse_error");

        peer.send(request(s, "num", "test.echo", "{\"n\":" + "7".repeat(JsonLimits.MAX_NUMBER_LENGTH + 1) + "}"));
        assertEquals(-32700, response(s, peer).path("error").path("code").asInt());
        peer.send(request(s, "num-ok", "test.echo", "{\"n\":" + "7".repeat(JsonLimits.MAX_NUMBER_LENGTH) + "}"));
        assertTrue(response(s, peer).has("result"));

        ObjectNode wrongTypes = Envelopes.JSON.createObjectNode();
        wrongTypes.putArray("id").add("x");
        wrongTypes.put("method", 7);
        peer.send(s.seal(Envelopes.ipc(Topics.RPC_REQUEST, wrongTypes)).get(0));
        assertEquals(-32600, response(s, peer).path("error").path("code").asInt(), "invalid_request");

        assertFalse(peer.isClosed());
        assertWellBehavedStillServed();
    }

    @Test
    void aPairingFloodIsRefusedAfterFiveAttemptsAMinute() throws Exception {
        byte[] before = pairingFile();
        List<RecordingPeer> pending = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            RecordingPeer peer = connect(CALLER);
            stranger(peer); // Each gets pairing.commit: an attempt is under way.
            pending.add(peer);
        }
        RecordingPeer sixth = connect(CALLER);
        ScriptedInitiator s = new ScriptedInitiator(KeyPair.generate(RANDOM), null, CALLER);
        sixth.send(Envelopes.handshake(1, s.step1()));
        s.readStep2Envelope(sixth.next());
        sixth.send(Envelopes.handshake(3, s.step3("Sixth", "1.0")));
        assertErrorThenClose(sixth, "pairing_rejected");
        assertWellBehavedStillServed();
        assertArrayEquals(before, pairingFile());
        assertTrue(approvals.isEmpty(), "no attempt reached the user");
        pending.forEach(RecordingPeer::close);
    }

    // ---------------------------------------------------------------- helpers

    private RecordingPeer connect(String callerId) {
        return own(RecordingPeer.connect(hub, callerId));
    }

    /** The next frame is an error envelope with {@code code}, then the desktop closes. */
    private static void assertErrorThenClose(RecordingPeer peer, String code) {
        byte[] frame;
        JsonNode env;
        do {
            frame = peer.next();
            assertNotNull(frame, "no error envelope came");
            env = Envelopes.parse(frame);
            // Frames a step legitimately earned before the attack (step 2, pairing.commit) come first.
        } while (env.path("type").asText().equals("handshake") || env.path("type").asText().equals("secure"));
        assertEquals("error", env.path("type").asText(), "expected error/" + code + ", got " + env);
        assertEquals(code, env.path("code").asText(), env.toString());
        String message = env.path("message").asText();
        assertFalse(message.isEmpty() || message.contains("Exception") || message.contains("\tat "), message);
        peer.awaitClosed();
    }

    private void assertWellBehavedStillServed() {
        String nonce = Long.toString(RANDOM.nextLong());
        JsonNode echoed = await(good.call(Endpoint.desktop(), "test.echo", Envelopes.json("{\"n\":\"" + nonce + "\"}")));
        assertEquals(nonce, echoed.path("n").asText());
    }

    private byte[] pairingFile() throws Exception {
        return Files.readAllBytes(store.file());
    }

    private <T extends AutoCloseable> T own(T c) {
        owned.add(c);
        return c;
    }

    private static <T> T await(CompletableFuture<T> f) {
        try {
            return f.get(RecordingPeer.WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
