package dev.bridgekeeper.fuzz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.bridgekeeper.noise.CipherStatePair;
import dev.bridgekeeper.noise.HandshakePattern;
import dev.bridgekeeper.noise.HandshakeState;
import dev.bridgekeeper.noise.KeyPair;
import dev.bridgekeeper.noise.NoiseException;
import java.nio.charset.StandardCharsets;

/**
 * The Noise XX handshake (PROTOCOL.md §3) reading arbitrary messages, on {@link HandshakeState}
 * directly: the responder at step 1 and step 3, the initiator at step 2. A bad message throws
 * {@link NoiseException} and nothing else, and leaves the state as it was: the genuine message
 * still completes the handshake afterwards, with transport keys both sides agree on. An encrypted
 * step the fuzzer gets accepted must be the genuine one (it cannot forge the tags).
 */
class HandshakeFuzzTest {
    private static final byte[] PROLOGUE = ("bridgekeeper/1 " + FixedKeys.CALLER).getBytes(StandardCharsets.UTF_8);
    private static final byte[] PAYLOAD = "{\"name\":\"x\",\"version\":\"1\",\"protocol\":1}".getBytes(StandardCharsets.UTF_8);

    @FuzzTest
    void badHandshakeMessagesOnlyThrowNoiseExceptionAndChangeNothing(FuzzedDataProvider d) throws NoiseException {
        int step = d.consumeInt(1, 3);
        byte[] message = d.consumeRemainingAsBytes();

        HandshakeState initiator = state(true, FixedKeys.extensionStatic(), FixedKeys.extensionEphemeral());
        HandshakeState responder = state(false, FixedKeys.desktopStatic(), FixedKeys.desktopEphemeral());
        byte[] genuine1 = initiator.writeMessage(null);
        if (step == 1 && accepted(responder, message, null)) {
            return;
        }
        responder.readMessage(genuine1);
        byte[] genuine2 = responder.writeMessage(PAYLOAD);
        if (step == 2 && accepted(initiator, message, genuine2)) {
            return;
        }
        initiator.readMessage(genuine2);
        byte[] genuine3 = initiator.writeMessage(PAYLOAD);
        if (step == 3 && accepted(responder, message, genuine3)) {
            return;
        }
        assertArrayEquals(PAYLOAD, responder.readMessage(genuine3));

        // Both sides finished with the same keys: what one seals, the other opens.
        assertArrayEquals(initiator.getHandshakeHash(), responder.getHandshakeHash());
        CipherStatePair i = initiator.split();
        CipherStatePair r = responder.split();
        byte[] probe = "probe".getBytes(StandardCharsets.UTF_8);
        assertArrayEquals(probe, r.receiver(false).decryptWithAd(new byte[0], i.sender(true).encryptWithAd(new byte[0], probe)));
        assertArrayEquals(probe, i.receiver(true).decryptWithAd(new byte[0], r.sender(false).encryptWithAd(new byte[0], probe)));
    }

    /**
     * Offers a fuzzed message. A rejection must leave the step where it was (the caller then goes
     * on with the genuine message); an accepted encrypted step must be the genuine one. Step 1
     * carries no encryption, so any 32 bytes or more are a well-formed step 1.
     */
    private static boolean accepted(HandshakeState state, byte[] message, byte[] genuine) {
        int before = state.messageIndex();
        try {
            state.readMessage(message);
        } catch (NoiseException rejected) {
            assertEquals(before, state.messageIndex(), "a rejected message advanced the handshake");
            return false;
        }
        if (genuine != null) {
            assertArrayEquals(genuine, message, "accepted a forged encrypted handshake message");
        } else {
            assertTrue(message.length >= KeyPair.KEY_LENGTH, "accepted a step 1 shorter than a public key");
        }
        return true;
    }

    private static HandshakeState state(boolean initiator, KeyPair s, KeyPair e) {
        return HandshakeState.initialize(HandshakePattern.parse("Noise_XX_25519_AESGCM_SHA256"), initiator, PROLOGUE,
                s, e, null, null, null);
    }
}
