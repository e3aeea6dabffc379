package dev.bridgekeeper.fuzz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bridgekeeper.protocol.Limits;
import dev.bridgekeeper.protocol.WireBase64;
import dev.bridgekeeper.protocol.framing.Frames;
import dev.bridgekeeper.agent.internal.ipc.IpcCodec;
import dev.bridgekeeper.agent.internal.ipc.JsonLimits;
import dev.bridgekeeper.agent.internal.ipc.Topics;
import dev.bridgekeeper.noise.CipherState;
import dev.bridgekeeper.noise.DecryptFailedException;
import dev.bridgekeeper.agent.PairingApprover;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

/**
 * Secure-frame decryption and reassembly (PROTOCOL.md §4) after a real handshake with fixed keys:
 * arbitrary sequences of valid pieces, altered pieces, replays, dropped pieces, arbitrary base64
 * and whole IPC messages cut at arbitrary points, fed to the desktop's session. A model written
 * from the protocol text predicts every outcome (a twin initiator predicts which ciphertexts the
 * desktop can decrypt): whole messages are delivered byte for byte and in order, a message over
 * the limit is answered {@code too_large} if it is a request and closes the connection otherwise,
 * a {@code pairing.*}/{@code session.*} message after {@code session.ready} and malformed envelopes
 * are {@code protocol_error}, anything that does not decrypt is {@code decrypt_failed}; after an
 * error the session does nothing more.
 */
class SecureFrameFuzzTest {
    private static final String[] TOPICS = {"app.event", Topics.RPC_REQUEST, "session.ready", "pairing.nonce",
            "rpc.cancel", "x"};
    /** Reads topics and ids under the limits the desktop's session applies. */
    private static final ObjectMapper PEEK_MAPPER = JsonLimits.mapper(Frames.DEFAULT_MAX_FRAME);
    private static final IpcCodec PEEK = new IpcCodec(PEEK_MAPPER);
    /** How much of an oversize message the desktop keeps to answer it (SecureTransport.OVERSIZE_PREFIX). */
    private static final int OVERSIZE_PREFIX = 16 * 1024;

    @FuzzTest
    void secureFramesAreDecryptedReassembledOrRefusedAsTheProtocolSays(FuzzedDataProvider d) throws Exception {
        int maxMessageSize = d.consumeInt(1024, 65_536);
        try (ResponderRig rig = ResponderRig.open(true, maxMessageSize, PairingApprover.REJECT_ALL)) {
            ScriptedInitiator ext = ScriptedInitiator.fixed();
            ScriptedInitiator twin = ScriptedInitiator.fixed();
            twin.step1();
            rig.feed(Envelopes.handshake(1, ext.step1()));
            ext.readStep2Envelope(rig.io.sent().get(0));
            twin.readStep2Envelope(rig.io.sent().get(0));
            twin.step3("Fuzz Extension", "1.0.0");
            rig.feed(Envelopes.handshake(3, ext.step3("Fuzz Extension", "1.0.0")));
            assertEquals("session.ready", ext.openMessage(rig.io.sent().get(1)).path("topic").asText());
            new Model(rig, ext, twin, maxMessageSize).run(d);
        }
    }

    /** What the desktop must do, frame by frame. */
    private static final class Model {
        final ResponderRig rig;
        final ScriptedInitiator ext;
        final ScriptedInitiator twin;
        final int max;
        final List<byte[]> sentCiphertexts = new ArrayList<>();
        ByteArrayOutputStream pending = new ByteArrayOutputStream();
        int expectedSent = 2;
        int expectedDelivered = 0;
        String failed;

        Model(ResponderRig rig, ScriptedInitiator ext, ScriptedInitiator twin, int max) {
            this.rig = rig;
            this.ext = ext;
            this.twin = twin;
            this.max = max;
        }

        void run(FuzzedDataProvider d) throws DecryptFailedException {
            for (int ops = d.consumeInt(1, 12); ops > 0 && d.remainingBytes() > 0; ops--) {
                switch (d.consumeInt(0, 7)) {
                    case 0 -> {
                        byte[] ct = ext.sealPiece(d.consumeBytes(d.consumeInt(0, 4096)));
                        secure(Base64.getEncoder().encodeToString(ct), bool(d.consumeBoolean()));
                    }
                    case 1 -> {
                        byte[] ct = ext.sealPiece(d.consumeBytes(d.consumeInt(0, 256)));
                        secure(Base64.getEncoder().encodeToString(alter(d, ct)), bool(d.consumeBoolean()));
                    }
                    case 2 -> {
                        if (!sentCiphertexts.isEmpty()) {
                            byte[] old = sentCiphertexts.get(d.consumeInt(0, sentCiphertexts.size() - 1));
                            secure(Base64.getEncoder().encodeToString(old), bool(d.consumeBoolean()));
                        }
                    }
                    case 3 -> ext.sealPiece(d.consumeBytes(d.consumeInt(0, 64))); // Sealed and dropped.
                    case 4 -> secure(d.consumeString(200), FuzzJson.value(d, 0));
                    case 5 -> secure(Base64.getEncoder().encodeToString(d.consumeBytes(d.consumeInt(0, 300))),
                            bool(d.consumeBoolean()));
                    case 6 -> wholeMessage(d);
                    default -> {
                        JsonNode step = FuzzJson.value(d, 0);
                        ObjectNode env = Envelopes.JSON.createObjectNode().put("type", "handshake");
                        FuzzJson.put(env, "step", step);
                        FuzzJson.put(env, "data", FuzzJson.value(d, 0));
                        byte[] frame = Envelopes.bytes(env);
                        // Within the read limits it is a handshake step after the handshake; beyond them, unreadable.
                        feed(frame, withinLimits(frame) ? "handshake_failed" : "protocol_error");
                    }
                }
            }
        }

        static boolean withinLimits(byte[] frame) {
            try {
                PEEK_MAPPER.readTree(frame);
                return true;
            } catch (IOException e) {
                return false;
            }
        }

        static JsonNode bool(boolean more) {
            return more ? Envelopes.JSON.getNodeFactory().booleanNode(true) : null;
        }

        /** One IPC message, cut into valid pieces at up to five arbitrary points (at most 65,519 bytes each). */
        void wholeMessage(FuzzedDataProvider d) throws DecryptFailedException {
            ObjectNode payload = Envelopes.JSON.createObjectNode();
            FuzzJson.put(payload, "id", d.consumeBoolean() ? Envelopes.JSON.getNodeFactory().textNode(d.consumeString(8))
                    : FuzzJson.value(d, 0));
            payload.put("method", "ipc.discover");
            payload.put("pad", "p".repeat(d.consumeInt(0, 80_000)));
            byte[] message = Envelopes.ipc(TOPICS[d.consumeInt(0, TOPICS.length - 1)], payload);
            int off = 0;
            int cuts = d.consumeInt(0, 5); // Where the fuzzer cuts; beyond that, pieces are as large as allowed.
            while (off < message.length && failed == null) {
                int n = Math.min(message.length - off,
                        cuts-- > 0 ? d.consumeInt(1, CipherState.MAX_PLAINTEXT_LENGTH) : CipherState.MAX_PLAINTEXT_LENGTH);
                byte[] ct = ext.sealPiece(Arrays.copyOfRange(message, off, off + n));
                off += n;
                secure(Base64.getEncoder().encodeToString(ct), bool(off < message.length));
            }
        }

        static byte[] alter(FuzzedDataProvider d, byte[] ct) {
            switch (d.consumeInt(0, 2)) {
                case 0: {
                    byte[] c = ct.clone();
                    c[d.consumeInt(0, c.length - 1)] ^= (byte) d.consumeInt(1, 255);
                    return c;
                }
                case 1:
                    return Arrays.copyOf(ct, d.consumeInt(0, ct.length - 1));
                default:
                    return Envelopes.concat(ct, d.consumeBytes(d.consumeInt(1, 8)));
            }
        }

        /** Sends one secure envelope with these field values and checks the outcome. */
        void secure(String data, JsonNode more) throws DecryptFailedException {
            ObjectNode env = Envelopes.JSON.createObjectNode().put("type", "secure").put("data", data);
            FuzzJson.put(env, "more", more);
            byte[] frame = Envelopes.bytes(env);
            if (failed != null) {
                feed(frame, null);
                return;
            }
            if (more != null && !more.isBoolean()) {
                feed(frame, "protocol_error");
                return;
            }
            byte[] ct;
            try {
                ct = WireBase64.decode(data); // Padding required (PROTOCOL.md §2.1, D12).
            } catch (IllegalArgumentException e) {
                feed(frame, "protocol_error");
                return;
            }
            byte[] plain;
            try {
                if (ct.length > CipherState.MAX_MESSAGE_LENGTH) {
                    throw new DecryptFailedException("too long");
                }
                plain = twin.decryptAsDesktop(ct);
            } catch (DecryptFailedException e) {
                feed(frame, "decrypt_failed");
                return;
            }
            sentCiphertexts.add(ct);
            pending.writeBytes(plain);
            if (more != null && more.booleanValue()) {
                feed(frame, null);
                return;
            }
            byte[] whole = pending.toByteArray();
            pending = new ByteArrayOutputStream();
            if (whole.length > max) {
                oversize(frame, whole);
                return;
            }
            String topic = PEEK.peek(whole).topic();
            if (topic != null && Topics.isCryptoProviderTopic(topic)) {
                feed(frame, "protocol_error"); // The session is ready: no pairing or session message fits now.
                return;
            }
            expectedDelivered++;
            feed(frame, null);
            List<byte[]> delivered = rig.io.delivered();
            assertEquals(expectedDelivered, delivered.size(), "a whole message was not delivered");
            assertArrayEquals(whole, delivered.get(expectedDelivered - 1), "delivered other bytes than were sent");
        }

        /**
         * PROTOCOL.md §4.3: a request over the limit gets too_large, anything else closes the
         * connection. The protocol has the desktop keep a prefix of at least 16 KiB; this desktop
         * keeps exactly the first 16 KiB (SecureTransport.OVERSIZE_PREFIX), so a topic or id that only comes
         * after it cannot be seen.
         */
        void oversize(byte[] frame, byte[] whole) throws DecryptFailedException {
            IpcCodec.Peek peek = PEEK.peek(Arrays.copyOf(whole, Math.min(whole.length, OVERSIZE_PREFIX)));
            if (!answerable(peek)) {
                feed(frame, "protocol_error");
                return;
            }
            feed(frame, null, 1);
            JsonNode response = ext.openMessage(rig.io.sent().get(expectedSent));
            assertEquals(Topics.RPC_RESPONSE, response.path("topic").asText());
            assertEquals(-32008, response.path("payload").path("error").path("code").asInt(), "too_large");
            assertEquals(peek.requestId(), response.path("payload").path("id").asText());
            expectedSent++;
        }

        static boolean answerable(IpcCodec.Peek p) {
            return Topics.RPC_REQUEST.equals(p.topic()) && p.requestId() != null && !p.requestId().isEmpty()
                    && p.requestId().length() <= Limits.MAX_RPC_ID_CHARS;
        }

        /** Feeds a frame; {@code error} is the error it must cause, null for none. */
        void feed(byte[] frame, String error) {
            feed(frame, error, 0);
        }

        /** As {@link #feed(byte[], String)}, expecting {@code answers} secure frames back. */
        void feed(byte[] frame, String error, int answers) {
            rig.feed(frame);
            String sentError = rig.assertWellBehaved();
            if (failed != null) {
                assertEquals(expectedSent, rig.io.sent().size(), "sent something after failing");
                assertEquals(expectedDelivered, rig.io.delivered().size(), "delivered after failing");
                return;
            }
            if (error != null) {
                expectedSent++;
                failed = error;
            }
            assertEquals(error, sentError, "error envelope");
            assertEquals(expectedSent + answers, rig.io.sent().size(), "frames sent");
            assertEquals(expectedDelivered, rig.io.delivered().size(), "messages delivered");
        }
    }
}
