package dev.bridgekeeper.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bridgekeeper.agent.internal.ipc.ConnectionInfo;
import dev.bridgekeeper.agent.internal.ipc.CryptoProvider;
import dev.bridgekeeper.agent.internal.ipc.InMemorySessionRepository;
import dev.bridgekeeper.agent.internal.ipc.PairingRecord;
import dev.bridgekeeper.noise.DecryptFailedException;
import dev.bridgekeeper.noise.NoiseException;
import dev.bridgekeeper.agent.internal.secure.NoiseCryptoProvider;
import dev.bridgekeeper.agent.PairingApprover;
import dev.bridgekeeper.agent.internal.secure.RateLimiter;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ScheduledThreadPoolExecutor;

/**
 * The desktop's crypto session for one connection, exactly as the agent opens it
 * ({@code NoiseCryptoProvider.responder(...).open(info, io)}), with fixed keys and a recording
 * {@link RecordingSessionIo} in place of the IPC client, so a test can feed it frames one by one
 * and see everything it does.
 */
public final class ResponderRig implements AutoCloseable {
    /** Deadlines of all rigs; cancelled tasks leave the queue at once (fuzzing opens millions). */
    private static final ScheduledThreadPoolExecutor TIMER = timer();

    public final InMemorySessionRepository pairings = new InMemorySessionRepository();
    public final RecordingSessionIo io;
    public final CryptoProvider.Session session;

    private ResponderRig(boolean extensionPaired, int maxMessageSize, PairingApprover approver) {
        if (extensionPaired) {
            pairings.save(new PairingRecord("fixed", "Fuzz Extension", FixedKeys.CALLER,
                    FixedKeys.extensionStatic().publicKey(), Instant.EPOCH, null));
        }
        NoiseCryptoProvider provider = NoiseCryptoProvider.responder(FixedKeys.desktopStatic())
                .identity("Fuzz Desktop", "1.0.0")
                .approver(approver)
                .pairingLimiter(new RateLimiter(Integer.MAX_VALUE, 1))
                .scheduler(TIMER)
                .ephemeralKeysForTesting(FixedKeys::desktopEphemeral)
                .build();
        ConnectionInfo info = ConnectionInfo.fromExtension("fuzz-1", FixedKeys.CALLER, "chromium", null, null);
        io = new RecordingSessionIo(info, pairings, maxMessageSize);
        session = provider.open(info, io);
    }

    /**
     * A fresh session.
     *
     * @param extensionPaired whether the fixed extension key is already paired (then a finished
     *     handshake is followed by {@code session.ready}, else by pairing)
     * @param maxMessageSize the IPC client's message limit the session is told
     */
    public static ResponderRig open(boolean extensionPaired, int maxMessageSize, PairingApprover approver) {
        return new ResponderRig(extensionPaired, maxMessageSize, approver);
    }

    public void feed(byte[] frame) {
        session.onFrame(frame);
    }

    /**
     * Runs the whole fixed handshake of a paired extension and reads {@code session.ready}: from
     * here the returned initiator and the session share transport keys.
     */
    public ScriptedInitiator completeHandshake() {
        ScriptedInitiator ext = ScriptedInitiator.fixed();
        feed(Envelopes.handshake(1, ext.step1()));
        try {
            ext.readStep2Envelope(io.sent().get(0));
        } catch (NoiseException e) {
            throw new AssertionError("the fixed handshake failed at step 2", e);
        }
        feed(Envelopes.handshake(3, ext.step3("Fuzz Extension", "1.0.0")));
        List<byte[]> sent = io.sent();
        assertEquals(2, sent.size(), "step 2 and session.ready");
        try {
            JsonNode ready = ext.openMessage(sent.get(1));
            assertEquals("session.ready", ready.path("topic").asText());
        } catch (DecryptFailedException e) {
            throw new AssertionError("session.ready did not decrypt", e);
        }
        assertEquals(1, io.readies().size());
        return ext;
    }

    /**
     * Checks what every session must do whatever it was fed: each frame it sent is a JSON object
     * of type {@code handshake} (step 2, once), {@code secure} or {@code error}; an {@code error}
     * carries a documented code, is the last frame and comes with a close; nothing happens after
     * the close. Returns the error code sent, or null.
     */
    public String assertWellBehaved() {
        List<byte[]> sent = io.sent();
        String error = null;
        int step2 = 0;
        for (int i = 0; i < sent.size(); i++) {
            JsonNode env = Envelopes.parse(sent.get(i));
            String type = env.path("type").asText();
            assertTrue(error == null, "a frame was sent after the error envelope: " + type);
            switch (type) {
                case "handshake" -> {
                    assertEquals(2, env.path("step").asInt(), "the desktop only ever sends handshake step 2");
                    assertTrue(++step2 == 1, "handshake step 2 was sent twice");
                    Base64.getDecoder().decode(env.path("data").asText());
                }
                case "secure" -> Base64.getDecoder().decode(env.path("data").asText());
                case "error" -> {
                    error = env.path("code").asText();
                    assertTrue(Envelopes.ERROR_CODES.contains(error), "undocumented error code " + error);
                    assertTrue(env.path("message").isTextual(), "error without a message");
                }
                default -> throw new AssertionError("sent an envelope of type '" + type + "'");
            }
        }
        if (error != null) {
            assertTrue(io.closes() > 0, "sent " + error + " but did not close the connection");
        }
        assertEquals(List.of(), io.afterClose(), "acted after closing the connection");
        return error;
    }

    @Override
    public void close() {
        session.close();
    }

    private static ScheduledThreadPoolExecutor timer() {
        ScheduledThreadPoolExecutor t = new ScheduledThreadPoolExecutor(1, r -> {
            Thread th = new Thread(r, "fuzz-deadlines");
            th.setDaemon(true);
            return th;
        });
        t.setRemoveOnCancelPolicy(true);
        return t;
    }
}
