package dev.bridgekeeper.agent.internal.secure;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bridgekeeper.agent.internal.ipc.ConnectionInfo;
import dev.bridgekeeper.agent.internal.ipc.CryptoProvider;
import dev.bridgekeeper.agent.internal.ipc.InMemorySessionRepository;
import dev.bridgekeeper.noise.KeyPair;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Frame by frame between an initiator and a responder session, with the test as the wire: every
 * altered, replayed, reordered or dropped secure frame is fatal for the connection.
 */
class SecureFramesTest {
    static final String CALLER = "chrome-extension://ehcmijlhbioomifbjmghlpklegfgldmf/";
    static final ObjectMapper JSON = new ObjectMapper();
    static final SecureRandom RANDOM = new SecureRandom();

    WireIo desktopIo;
    WireIo extensionIo;
    CryptoProvider.Session desktop;
    CryptoProvider.Session extension;

    @BeforeEach
    void pairedSession() {
        desktopIo = new WireIo(ConnectionInfo.fromExtension("c1", CALLER, "chromium", "u", 1L),
                new InMemorySessionRepository());
        extensionIo = new WireIo(ConnectionInfo.toDesktop("h1"), new InMemorySessionRepository());
        desktop = NoiseCryptoProvider.responder(KeyPair.generate(RANDOM))
                .approver(r -> CompletableFuture.completedFuture(true)).build().open(desktopIo.info, desktopIo);
        extension = NoiseCryptoProvider.initiator(KeyPair.generate(RANDOM), CALLER).build()
                .open(extensionIo.info, extensionIo);
        // Pump until both sides are quiet: handshake, pairing, session.ready.
        while (extensionIo.pumpTo(desktop) + desktopIo.pumpTo(extension) > 0) {
            // keep going
        }
        assertNotNull(desktopIo.ready, "desktop ready");
        assertNotNull(extensionIo.ready, "extension ready");
    }

    private static byte[] message(String topic) {
        return ("{\"topic\":\"" + topic + "\",\"payload\":{\"n\":1}}").getBytes(StandardCharsets.UTF_8);
    }

    private List<byte[]> sendFromExtension(String topic) {
        extension.send(message(topic));
        List<byte[]> frames = new ArrayList<>();
        extensionIo.sent.drainTo(frames);
        return frames;
    }

    private void assertFatal(String code) throws Exception {
        assertTrue(desktopIo.closed, "the connection was closed");
        JsonNode err = JSON.readTree(desktopIo.lastSent());
        assertEquals("error", err.path("type").asText());
        assertEquals(code, err.path("code").asText());
    }

    private static byte[] withData(byte[] frame, byte[] newCiphertext) throws Exception {
        ObjectNode n = (ObjectNode) JSON.readTree(frame);
        n.put("data", Base64.getEncoder().encodeToString(newCiphertext));
        return JSON.writeValueAsBytes(n);
    }

    private static byte[] ciphertext(byte[] frame) throws Exception {
        return Base64.getDecoder().decode(JSON.readTree(frame).path("data").asText());
    }

    @Test
    void anUntouchedFrameIsDelivered() {
        desktop.onFrame(sendFromExtension("app.one").get(0));
        assertEquals(1, desktopIo.delivered.size());
        assertArrayEquals(message("app.one"), desktopIo.delivered.get(0));
        assertFalse(desktopIo.closed);
    }

    @Test
    void aTamperedFrameIsFatal() throws Exception {
        byte[] frame = sendFromExtension("app.one").get(0);
        byte[] ct = ciphertext(frame);
        ct[ct.length / 2] ^= 0x01;
        desktop.onFrame(withData(frame, ct));
        assertFatal("decrypt_failed");
        assertTrue(desktopIo.delivered.isEmpty());
    }

    @Test
    void aTruncatedFrameIsFatal() throws Exception {
        byte[] frame = sendFromExtension("app.one").get(0);
        byte[] ct = ciphertext(frame);
        desktop.onFrame(withData(frame, java.util.Arrays.copyOf(ct, ct.length - 1)));
        assertFatal("decrypt_failed");
    }

    @Test
    void aReplayedFrameIsFatal() throws Exception {
        byte[] frame = sendFromExtension("app.one").get(0);
        desktop.onFrame(frame);
        desktop.onFrame(frame);
        assertEquals(1, desktopIo.delivered.size(), "delivered once");
        assertFatal("decrypt_failed");
    }

    @Test
    void reorderedFramesAreFatal() throws Exception {
        byte[] first = sendFromExtension("app.one").get(0);
        byte[] second = sendFromExtension("app.two").get(0);
        desktop.onFrame(second);
        assertFatal("decrypt_failed");
        assertTrue(desktopIo.delivered.isEmpty());
        assertNotNull(first);
    }

    @Test
    void aDroppedFrameIsFatal() throws Exception {
        sendFromExtension("app.one");
        byte[] second = sendFromExtension("app.two").get(0);
        desktop.onFrame(second);
        assertFatal("decrypt_failed");
    }

    @Test
    void largeMessagesTravelInPiecesAndArriveWhole() {
        StringBuilder big = new StringBuilder("{\"topic\":\"app.big\",\"payload\":\"");
        while (big.length() < 200_000) {
            big.append("0123456789abcdef");
        }
        byte[] msg = big.append("\"}").toString().getBytes(StandardCharsets.UTF_8);
        extension.send(msg.clone());
        List<byte[]> frames = new ArrayList<>();
        extensionIo.sent.drainTo(frames);
        assertEquals(4, frames.size(), "200 kB in pieces of at most 65,519 bytes");
        for (byte[] f : frames) {
            desktop.onFrame(f);
        }
        assertEquals(1, desktopIo.delivered.size());
        assertArrayEquals(msg, desktopIo.delivered.get(0));
    }

    @Test
    void aHandshakeStepAfterTheHandshakeIsFatal() throws Exception {
        desktop.onFrame("{\"type\":\"handshake\",\"step\":1,\"data\":\"AAAA\"}".getBytes(StandardCharsets.UTF_8));
        assertFatal("handshake_failed");
    }

    @Test
    void anUnknownEnvelopeTypeIsAProtocolError() throws Exception {
        desktop.onFrame("{\"type\":\"telepathy\"}".getBytes(StandardCharsets.UTF_8));
        assertFatal("protocol_error");
    }
}
