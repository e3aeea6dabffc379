package dev.bridgekeeper.agent.internal.secure;

import dev.bridgekeeper.agent.PairingApprover;
import dev.bridgekeeper.agent.PairingRequest;

import static dev.bridgekeeper.agent.internal.ipc.IpcTestKit.await;
import static dev.bridgekeeper.agent.internal.ipc.IpcTestKit.failure;
import static dev.bridgekeeper.agent.internal.ipc.IpcTestKit.take;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bridgekeeper.ipc.Endpoint;
import dev.bridgekeeper.agent.internal.ipc.InMemorySessionRepository;
import dev.bridgekeeper.agent.internal.ipc.IpcClient;
import dev.bridgekeeper.agent.internal.ipc.IpcTestKit;
import dev.bridgekeeper.agent.internal.ipc.PairingRecord;
import dev.bridgekeeper.agent.internal.ipc.SessionRepository;
import dev.bridgekeeper.ipc.RpcErrorCode;
import dev.bridgekeeper.ipc.RpcException;
import dev.bridgekeeper.noise.KeyPair;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Java initiator and responder through IpcClients: handshake, pairing, pinning, encrypted RPC. */
class SecureChannelTest {
    static final String CALLER = "chrome-extension://ehcmijlhbioomifbjmghlpklegfgldmf/";
    static final SecureRandom RANDOM = new SecureRandom();

    private final IpcTestKit kit = new IpcTestKit();
    private final KeyPair desktopKey = KeyPair.generate(RANDOM);
    private final KeyPair extensionKey = KeyPair.generate(RANDOM);
    private final SessionRepository pairings = new InMemorySessionRepository();

    /** What the initiator's user interface would show. */
    static final class Ui implements InitiatorListener {
        final BlockingQueue<String> codes = new LinkedBlockingQueue<>();
        final BlockingQueue<String> failures = new LinkedBlockingQueue<>();
        final CountDownLatch ready = new CountDownLatch(1);

        @Override
        public void pairingCode(String code) {
            codes.add(code);
        }

        @Override
        public void ready(String desktopName, String desktopVersion) {
            ready.countDown();
        }

        @Override
        public void failed(String code, String message) {
            failures.add(code);
        }
    }

    /** An approver that records requests and answers when the test says so. */
    static final class Approver implements PairingApprover {
        final BlockingQueue<PairingRequest> requests = new LinkedBlockingQueue<>();
        final BlockingQueue<CompletableFuture<Boolean>> answers = new LinkedBlockingQueue<>();

        @Override
        public CompletableFuture<Boolean> approve(PairingRequest request) {
            CompletableFuture<Boolean> f = new CompletableFuture<>();
            requests.add(request);
            answers.add(f);
            return f;
        }
    }

    @AfterEach
    void tearDown() throws Exception {
        kit.close();
    }

    IpcClient desktop(PairingApprover approver, NoiseCryptoProviderConfig cfg) throws Exception {
        NoiseCryptoProvider.Builder b = NoiseCryptoProvider.responder(desktopKey).identity("Test Desktop", "2.0.0")
                .approver(approver);
        cfg.apply(b);
        IpcClient d = kit.desktop(c -> c.cryptoProvider(b.build()).sessionRepository(pairings));
        d.register("demo.echo", (params, ctx) -> params);
        d.start();
        return d;
    }

    interface NoiseCryptoProviderConfig {
        void apply(NoiseCryptoProvider.Builder b);
    }

    IpcTestKit.Extension extension(KeyPair key, String ownCaller, String callerSeenByDesktop, Ui ui,
            SessionRepository pins) throws Exception {
        IpcTestKit.Extension e = kit.extension(callerSeenByDesktop, c -> c
                .cryptoProvider(NoiseCryptoProvider.initiator(key, ownCaller).identity("Sample Extension", "1.2.3")
                        .listener(ui).build())
                .sessionRepository(pins));
        e.client().start();
        return e;
    }

    @Test
    void firstContactPairsWithMatchingCodesThenRpcIsEncryptedEndToEnd() throws Exception {
        Approver approver = new Approver();
        desktop(approver, b -> {});
        Ui ui = new Ui();
        SessionRepository pins = new InMemorySessionRepository();
        IpcTestKit.Extension ext = extension(extensionKey, CALLER, CALLER, ui, pins);

        PairingRequest req = take(approver.requests);
        String shown = take(ui.codes);
        assertEquals(shown, req.code(), "both sides show the same code");
        assertTrue(req.code().matches("\\d{3} \\d{3}"), req.code());
        assertEquals("Sample Extension", req.extensionName());
        assertEquals(CALLER, req.callerId());
        assertEquals(PairingRecord.fingerprintOf(extensionKey.publicKey()), req.keyFingerprint());
        take(approver.answers).complete(true);

        IpcTestKit.await(ui.ready);
        JsonNode echoed = await(ext.client().call(Endpoint.desktop(), "demo.echo", IpcTestKit.json("{\"v\":\"hi\"}"), null));
        assertEquals("hi", echoed.get("v").asText());
        assertEquals(1, pairings.list().size(), "desktop stored the pairing");
        PairingRecord stored = pairings.list().get(0);
        assertEquals("Sample Extension", stored.name());
        assertEquals(CALLER, stored.callerId());
        assertTrue(stored.hasKey(extensionKey.publicKey()));
        assertEquals(1, pins.list().size(), "extension pinned the desktop");
        assertTrue(pins.list().get(0).hasKey(desktopKey.publicKey()));
    }

    @Test
    void aKnownExtensionIsReadyWithoutPairing() throws Exception {
        pairings.save(new PairingRecord("p1", "Sample Extension", CALLER, extensionKey.publicKey(),
                java.time.Instant.now(), null));
        Approver approver = new Approver();
        desktop(approver, b -> {});
        Ui ui = new Ui();
        SessionRepository pins = new InMemorySessionRepository();
        pins.save(new PairingRecord("desktop", "Test Desktop", CALLER, desktopKey.publicKey(), java.time.Instant.now(), null));
        IpcTestKit.Extension ext = extension(extensionKey, CALLER, CALLER, ui, pins);
        IpcTestKit.await(ui.ready);
        assertEquals("x", await(ext.client().call(Endpoint.desktop(), "demo.echo", IpcTestKit.json("{\"v\":\"x\"}"), null)).get("v").asText());
        assertTrue(approver.requests.isEmpty(), "no pairing was asked for");
        assertTrue(ui.codes.isEmpty());
        assertTrue(pairings.findById("p1").orElseThrow().lastSeen() != null, "last seen recorded");
    }

    @Test
    void aRejectedPairingEndsTheConnectionAndStoresNothing() throws Exception {
        Approver approver = new Approver();
        desktop(approver, b -> {});
        Ui ui = new Ui();
        extension(extensionKey, CALLER, CALLER, ui, new InMemorySessionRepository());
        take(approver.requests);
        take(approver.answers).complete(false);
        assertEquals("pairing_rejected", take(ui.failures));
        assertTrue(pairings.list().isEmpty());
    }

    @Test
    void aPairingNobodyAnswersTimesOutAndCancelsTheDialog() throws Exception {
        Approver approver = new Approver();
        desktop(approver, b -> b.pairingTimeout(Duration.ofMillis(300)));
        Ui ui = new Ui();
        extension(extensionKey, CALLER, CALLER, ui, new InMemorySessionRepository());
        take(approver.requests);
        CompletableFuture<Boolean> dialog = take(approver.answers);
        assertEquals("pairing_rejected", take(ui.failures));
        assertTrue(failure(dialog) instanceof java.util.concurrent.CancellationException, "dialog was told to close");
        assertTrue(pairings.list().isEmpty());
    }

    @Test
    void pairingAttemptsAreRateLimited() throws Exception {
        AtomicLong clock = new AtomicLong();
        desktop(PairingApprover.REJECT_ALL,
                b -> b.pairingLimiter(new RateLimiter(5, TimeUnit.MINUTES.toNanos(1), clock::get)));
        for (int i = 0; i < 5; i++) {
            Ui ui = new Ui();
            extension(KeyPair.generate(RANDOM), CALLER, CALLER, ui, new InMemorySessionRepository());
            take(ui.codes); // A pairing ran (and was rejected by this desktop's policy).
            assertEquals("pairing_rejected", take(ui.failures));
        }
        Ui sixth = new Ui();
        extension(KeyPair.generate(RANDOM), CALLER, CALLER, sixth, new InMemorySessionRepository());
        assertEquals("pairing_rejected", take(sixth.failures));
        assertTrue(sixth.codes.isEmpty(), "refused before any code was shown");
        clock.addAndGet(TimeUnit.MINUTES.toNanos(1));
        Ui later = new Ui();
        extension(KeyPair.generate(RANDOM), CALLER, CALLER, later, new InMemorySessionRepository());
        take(later.codes); // A minute later pairing runs again.
    }

    @Test
    void aChangedDesktopKeyIsAHardFailure() throws Exception {
        desktop(PairingApprover.REJECT_ALL, b -> {});
        SessionRepository pins = new InMemorySessionRepository();
        pins.save(new PairingRecord("desktop", "Test Desktop", CALLER, KeyPair.generate(RANDOM).publicKey(),
                java.time.Instant.now(), null));
        Ui ui = new Ui();
        extension(extensionKey, CALLER, CALLER, ui, pins);
        assertEquals(InitiatorSession.IDENTITY_CHANGED, take(ui.failures));
        assertTrue(ui.codes.isEmpty());
    }

    @Test
    void aHostThatMisreportsTheCallerMakesTheHandshakeFail() throws Exception {
        Approver approver = new Approver();
        desktop(approver, b -> {});
        Ui ui = new Ui();
        // The extension is one origin; the desktop is told another (a lying host): prologues differ.
        extension(extensionKey, CALLER, "chrome-extension://aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/", ui,
                new InMemorySessionRepository());
        assertEquals("handshake_failed", take(ui.failures));
        assertTrue(approver.requests.isEmpty());
    }

    @Test
    void beforePairingOnlyDiscoveryIsAnswered() throws Exception {
        Approver approver = new Approver();
        desktop(approver, b -> {});
        Ui ui = new Ui();
        IpcTestKit.Extension ext = extension(extensionKey, CALLER, CALLER, ui, new InMemorySessionRepository());
        take(approver.requests); // Pairing is waiting for the user.
        Throwable refused = failure(ext.client().call(Endpoint.desktop(), "demo.echo", IpcTestKit.json("{\"v\":\"x\"}"), null));
        // The extension's client itself refuses to call an unpaired desktop, or the desktop answers not_paired.
        assertTrue(refused instanceof RpcException r && r.code() == RpcErrorCode.NOT_PAIRED.code()
                || refused instanceof dev.bridgekeeper.agent.internal.ipc.IpcException, String.valueOf(refused));
    }
}
