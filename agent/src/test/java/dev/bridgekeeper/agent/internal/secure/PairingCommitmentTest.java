package dev.bridgekeeper.agent.internal.secure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bridgekeeper.agent.internal.ipc.ConnectionInfo;
import dev.bridgekeeper.agent.internal.ipc.CryptoProvider;
import dev.bridgekeeper.agent.internal.ipc.InMemorySessionRepository;
import dev.bridgekeeper.noise.CipherStatePair;
import dev.bridgekeeper.noise.HandshakePattern;
import dev.bridgekeeper.noise.HandshakeState;
import dev.bridgekeeper.noise.KeyPair;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import org.junit.jupiter.api.Test;

/**
 * The commit-then-reveal order of PROTOCOL.md §5: a desktop (or a man in the middle posing as one)
 * must fix its nonce before it sees the extension's. Here the desktop is played by hand with the
 * raw Noise classes, so it can cheat: it reveals a nonce other than the one it committed to.
 */
class PairingCommitmentTest {
    static final String CALLER = "chrome-extension://ehcmijlhbioomifbjmghlpklegfgldmf/";
    static final ObjectMapper JSON = new ObjectMapper();
    static final SecureRandom RANDOM = new SecureRandom();

    @Test
    void aRevealThatDoesNotOpenTheCommitmentAbortsBeforeAnyCodeIsShown() throws Exception {
        WireIo io = new WireIo(ConnectionInfo.toDesktop("h1"), new InMemorySessionRepository());
        BlockingQueue<String> codes = new LinkedBlockingQueue<>();
        BlockingQueue<String> failures = new LinkedBlockingQueue<>();
        CryptoProvider.Session extension = NoiseCryptoProvider.initiator(KeyPair.generate(RANDOM), CALLER)
                .listener(new InitiatorListener() {
                    @Override
                    public void pairingCode(String code) {
                        codes.add(code);
                    }

                    @Override
                    public void failed(String code, String message) {
                        failures.add(code);
                    }
                }).build().open(io.info, io);

        HandshakeState desktop = HandshakeState.initialize(HandshakePattern.parse(NoiseCryptoProvider.PROTOCOL_NAME),
                false, NoiseCryptoProvider.prologue(CALLER), KeyPair.generate(RANDOM), null, null, null, null);
        desktop.readMessage(data(io.sent.take()));
        byte[] payload = "{\"name\":\"Cheat\",\"version\":\"1\",\"protocol\":1}".getBytes(StandardCharsets.UTF_8);
        extension.onFrame(handshake(2, desktop.writeMessage(payload)));
        desktop.readMessage(data(io.sent.take()));
        CipherStatePair keys = desktop.split();
        SecureTransport wire = new SecureTransport(keys.responderToInitiator(), keys.initiatorToResponder(), 1 << 20);

        byte[] committed = new byte[32];
        RANDOM.nextBytes(committed);
        send(extension, wire, "pairing.commit", "commitment", PairingCodes.commitment(committed));
        JsonNode nonce = receive(wire, io.sent.take());
        assertEquals("pairing.nonce", nonce.path("topic").asText());
        byte[] other = committed.clone();
        other[0] ^= 1; // A nonce chosen after seeing the extension's.
        send(extension, wire, "pairing.reveal", "nonce", other);

        assertEquals("pairing_rejected", failures.take());
        assertTrue(codes.isEmpty(), "no code is shown for a broken commitment");
        assertTrue(io.closed);
        assertTrue(io.repo.list().isEmpty(), "nothing was pinned");
    }

    @Test
    void theCodeMatchesTheSharedKnownAnswer() {
        // The same known answer the JavaScript tests use (client-js/test): h is the
        // Noise_NN vector's handshake hash, Ne is 32 bytes of 0x11, Nd is the bytes 0..31.
        byte[] h = HexFormat.of().parseHex("6301958d25cd7d1ffe6ad7d0ca2ad284b4e478d9acd9198f7750432d225043d0");
        byte[] ne = new byte[32];
        java.util.Arrays.fill(ne, (byte) 0x11);
        byte[] nd = new byte[32];
        for (int i = 0; i < 32; i++) {
            nd[i] = (byte) i;
        }
        assertEquals(576052, PairingCodes.code(h, ne, nd));
        assertEquals("576 052", PairingCodes.format(576052));
        assertEquals("042 917", PairingCodes.format(42917));
    }

    @Test
    void theCodeIsBoundToTheHandshake() {
        // A man in the middle has a different handshake (h) with each side: the codes differ.
        byte[] ne = new byte[32];
        byte[] nd = new byte[32];
        RANDOM.nextBytes(ne);
        RANDOM.nextBytes(nd);
        int same = 0;
        for (int i = 0; i < 200; i++) {
            byte[] h1 = new byte[32];
            byte[] h2 = new byte[32];
            RANDOM.nextBytes(h1);
            RANDOM.nextBytes(h2);
            if (PairingCodes.code(h1, ne, nd) == PairingCodes.code(h2, ne, nd)) {
                same++;
            }
        }
        assertTrue(same <= 1, "codes of different handshakes collide about once in a million");
        assertFalse(PairingCodes.opens(PairingCodes.commitment(nd), ne));
        assertNotEquals(-1, PairingCodes.parse("042-917"));
        assertEquals(-1, PairingCodes.parse("42917"));
        assertEquals(-1, PairingCodes.parse("04291x"));
    }

    private static byte[] data(byte[] frame) throws Exception {
        return Base64.getDecoder().decode(JSON.readTree(frame).path("data").asText());
    }

    private static byte[] handshake(int step, byte[] message) {
        return ("{\"type\":\"handshake\",\"step\":" + step + ",\"data\":\""
                + Base64.getEncoder().encodeToString(message) + "\"}").getBytes(StandardCharsets.UTF_8);
    }

    private static void send(CryptoProvider.Session to, SecureTransport wire, String topic, String field, byte[] value) {
        byte[] msg = ("{\"topic\":\"" + topic + "\",\"payload\":{\"" + field + "\":\""
                + Base64.getEncoder().encodeToString(value) + "\"}}").getBytes(StandardCharsets.UTF_8);
        for (byte[] f : wire.seal(msg)) {
            to.onFrame(f);
        }
    }

    private static JsonNode receive(SecureTransport wire, byte[] frame) throws Exception {
        SecureTransport.Received r = wire.open(data(frame), false);
        return JSON.readTree(((SecureTransport.Message) r).plaintext());
    }
}
