package dev.bridgekeeper.noise;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Runs every vector of {@code noise/noise-25519-aesgcm-sha256.json} (cacophony, see the README next
 * to it): both parties are driven from the vector's keys, and every handshake message, the
 * handshake hash and every transport message must match byte for byte.
 */
class NoiseVectorsTest {

    private static final String RESOURCE = "/noise/noise-25519-aesgcm-sha256.json";
    private static final HexFormat HEX = HexFormat.of();

    static JsonNode vectorFile() throws IOException {
        try (InputStream in = NoiseVectorsTest.class.getResourceAsStream(RESOURCE)) {
            assertNotNull(in, RESOURCE + " missing from test resources");
            return new ObjectMapper().readTree(in);
        }
    }

    static Stream<Arguments> vectors() throws IOException {
        JsonNode vectors = vectorFile().get("vectors");
        return StreamSupport.stream(vectors.spliterator(), false)
                .map(v -> Arguments.of(v.get("protocol_name").asText(), v));
    }

    @Test
    void fileIsTheCacophonySubsetWithAllFiftyNineProtocols() throws IOException {
        JsonNode root = vectorFile();
        assertTrue(root.get("source").asText().contains("cacophony"), "source note kept");
        Set<String> names = new HashSet<>();
        for (JsonNode v : root.get("vectors")) {
            String name = v.get("protocol_name").asText();
            assertTrue(name.endsWith("_25519_AESGCM_SHA256"), name);
            assertTrue(names.add(name), "duplicate " + name);
        }
        assertEquals(59, names.size());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void vectorMatchesByteForByte(String protocolName, JsonNode v) throws Exception {
        HandshakePattern pattern = HandshakePattern.parse(protocolName);
        HandshakeState initiator = HandshakeState.initialize(pattern, true, hex(v, "init_prologue"),
                keyPair(v, "init_static"), keyPair(v, "init_ephemeral"), hex(v, "init_remote_static"), null,
                psks(v, "init_psks"));
        HandshakeState responder = HandshakeState.initialize(pattern, false, hex(v, "resp_prologue"),
                keyPair(v, "resp_static"), keyPair(v, "resp_ephemeral"), hex(v, "resp_remote_static"), null,
                psks(v, "resp_psks"));

        JsonNode messages = v.get("messages");
        int handshakeMessages = pattern.messages().size();
        assertTrue(messages.size() > handshakeMessages, "vector also has transport messages");

        CipherStatePair initiatorCiphers = null;
        CipherStatePair responderCiphers = null;
        for (int i = 0; i < messages.size(); i++) {
            byte[] payload = hex(messages.get(i), "payload");
            byte[] expected = hex(messages.get(i), "ciphertext");
            if (i < handshakeMessages) {
                // Handshake: even messages from the initiator, odd from the responder.
                boolean initiatorSends = i % 2 == 0;
                HandshakeState sender = initiatorSends ? initiator : responder;
                HandshakeState receiver = initiatorSends ? responder : initiator;
                assertTrue(sender.isWriteTurn(), "message " + i + " is the sender's turn");
                assertFalse(receiver.isWriteTurn(), "message " + i + " is not the receiver's turn");
                byte[] written = sender.writeMessage(payload);
                assertArrayEquals(expected, written, "handshake message " + i);
                assertArrayEquals(payload, receiver.readMessage(written), "handshake payload " + i);
                if (i == handshakeMessages - 1) {
                    assertTrue(initiator.isComplete() && responder.isComplete());
                    byte[] hash = hex(v, "handshake_hash");
                    assertArrayEquals(hash, initiator.getHandshakeHash(), "initiator handshake hash");
                    assertArrayEquals(hash, responder.getHandshakeHash(), "responder handshake hash");
                    assertArrayEquals(publicKeyOf(v, "resp_static"), initiator.getRemoteStaticPublicKey());
                    assertArrayEquals(publicKeyOf(v, "init_static"), responder.getRemoteStaticPublicKey());
                    initiatorCiphers = initiator.split();
                    responderCiphers = responder.split();
                } else {
                    assertFalse(initiator.isComplete() || responder.isComplete());
                }
            } else {
                // Transport: same parity rule, but one-way patterns only ever send initiator -> responder.
                boolean initiatorSends = pattern.isOneWay() || i % 2 == 0;
                CipherState encryptor = initiatorSends
                        ? initiatorCiphers.initiatorToResponder() : responderCiphers.responderToInitiator();
                CipherState decryptor = initiatorSends
                        ? responderCiphers.initiatorToResponder() : initiatorCiphers.responderToInitiator();
                byte[] written = encryptor.encryptWithAd(null, payload);
                assertArrayEquals(expected, written, "transport message " + i);
                assertArrayEquals(payload, decryptor.decryptWithAd(null, written), "transport payload " + i);
            }
        }
    }

    private static byte[] hex(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null ? null : HEX.parseHex(value.asText());
    }

    private static KeyPair keyPair(JsonNode v, String field) {
        byte[] privateKey = hex(v, field);
        return privateKey == null ? null : KeyPair.fromPrivate(privateKey);
    }

    private static byte[] publicKeyOf(JsonNode v, String field) {
        KeyPair pair = keyPair(v, field);
        return pair == null ? null : pair.publicKey();
    }

    private static List<byte[]> psks(JsonNode v, String field) {
        JsonNode array = v.get(field);
        if (array == null) {
            return null;
        }
        List<byte[]> keys = new ArrayList<>();
        array.forEach(psk -> keys.add(HEX.parseHex(psk.asText())));
        return keys;
    }
}
