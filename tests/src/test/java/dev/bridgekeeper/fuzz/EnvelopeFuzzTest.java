package dev.bridgekeeper.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bridgekeeper.noise.NoiseException;
import dev.bridgekeeper.agent.PairingApprover;
import java.util.List;

/**
 * Envelope parsing of the desktop's crypto session (PROTOCOL.md §2–3): a responder session fed
 * arbitrary frames, and arbitrary sequences of frames mixed with the genuine handshake steps of a
 * fixed extension so the fuzzer also reaches the states after each step. Whatever it is fed, the
 * session never throws, only ever sends handshake step 2, secure frames or one documented
 * {@code error} envelope followed by a close, delivers nothing and reports nothing ready unless a
 * genuine handshake finished.
 */
class EnvelopeFuzzTest {
    private static final String[] TYPES = {"handshake", "secure", "error", "hello", "status", "", "HANDSHAKE"};

    @FuzzTest
    void responderSurvivesAnySequenceOfFrames(FuzzedDataProvider d) {
        boolean paired = d.consumeBoolean();
        try (ResponderRig rig = ResponderRig.open(paired, 64 * 1024, PairingApprover.REJECT_ALL)) {
            ScriptedInitiator ext = ScriptedInitiator.fixed();
            int genuineStep = 1; // The next genuine step the fixed extension can send.
            boolean genuineHandshakeDone = false;
            for (int frames = d.consumeInt(1, 8); frames > 0 && d.remainingBytes() > 0; frames--) {
                byte[] frame;
                int kind = d.consumeInt(0, 5);
                if (kind == 0) {
                    frame = d.consumeBytes(d.consumeInt(0, 512));
                } else if (kind == 1) {
                    frame = Envelopes.utf8(d.consumeString(512));
                } else if (kind == 2 && genuineStep == 1) {
                    frame = Envelopes.handshake(1, ext.step1());
                    genuineStep = 2;
                } else if (kind == 2 && genuineStep == 2 && !rig.io.sent().isEmpty()) {
                    try {
                        ext.readStep2Envelope(rig.io.sent().get(0));
                    } catch (NoiseException | AssertionError e) {
                        genuineStep = -1; // The session went another way; no genuine step 3 exists.
                        continue;
                    }
                    frame = Envelopes.handshake(3, ext.step3("Fuzz Extension", "1.0.0"));
                    genuineStep = 3;
                    genuineHandshakeDone = true;
                } else if (kind == 3 && genuineStep == 3) {
                    frame = ext.seal(Envelopes.utf8(d.consumeString(256))).get(0);
                } else {
                    frame = structured(d);
                }
                rig.feed(frame);
                rig.assertWellBehaved();
            }

            String error = rig.assertWellBehaved();
            List<byte[]> sent = rig.io.sent();
            int firstSecure = -1;
            for (int i = 0; i < sent.size(); i++) {
                if ("secure".equals(Envelopes.parse(sent.get(i)).path("type").asText())) {
                    firstSecure = i;
                    break;
                }
            }
            if (!genuineHandshakeDone || firstSecure < 0) {
                assertEquals(List.of(), rig.io.delivered(), "delivered a message without a finished handshake");
                assertEquals(List.of(), rig.io.readies(), "reported ready without a finished handshake");
            }
            if (!rig.io.readies().isEmpty()) {
                assertTrue(paired, "reported an unpaired extension ready");
                assertEquals(1, rig.io.readies().size(), "ready more than once");
            }
            if (error != null) {
                assertTrue(rig.io.closes() > 0, "failed without closing");
            }
        }
    }

    /** An envelope-shaped object with arbitrary field values. */
    private static byte[] structured(FuzzedDataProvider d) {
        ObjectNode env = Envelopes.JSON.createObjectNode();
        if (d.consumeBoolean()) {
            env.put("type", TYPES[d.consumeInt(0, TYPES.length - 1)]);
        } else {
            FuzzJson.put(env, "type", FuzzJson.value(d, 0));
        }
        FuzzJson.put(env, "step", d.consumeBoolean() ? Envelopes.JSON.getNodeFactory().numberNode(d.consumeInt(-1, 4))
                : FuzzJson.value(d, 0));
        FuzzJson.put(env, "data", FuzzJson.value(d, 0));
        FuzzJson.put(env, "more", FuzzJson.value(d, 0));
        if (d.consumeBoolean()) {
            FuzzJson.put(env, d.consumeString(16), FuzzJson.value(d, 0));
        }
        return Envelopes.bytes(env);
    }
}
