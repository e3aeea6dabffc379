package dev.bridgekeeper.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bridgekeeper.noise.CipherState;
import dev.bridgekeeper.noise.CipherStatePair;
import dev.bridgekeeper.noise.DecryptFailedException;
import dev.bridgekeeper.noise.HandshakePattern;
import dev.bridgekeeper.noise.HandshakeState;
import dev.bridgekeeper.noise.KeyPair;
import dev.bridgekeeper.noise.NoiseException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * An extension side under the test's full control: it runs the XX handshake as initiator
 * (PROTOCOL.md §3) straight on {@link HandshakeState}, then seals and opens {@code secure} pieces
 * (§4) one by one, so a test can send exactly the valid, replayed, reordered, altered or
 * out-of-order frames it wants. It knows no transport: a test moves its frames over a fake
 * session I/O, an in-memory hub or a real socket.
 *
 * <p>Not thread-safe.
 */
public final class ScriptedInitiator {
    private static final byte[] NO_AD = new byte[0];

    private final HandshakeState handshake;
    private CipherState sendCipher;
    private CipherState receiveCipher;
    private ByteArrayOutputStream pending = new ByteArrayOutputStream();

    /**
     * @param staticKey this extension's long-term key
     * @param ephemeral a fixed ephemeral key (reproducible transcripts), or null for a fresh one
     * @param prologueCallerId the caller id this side mixes into the prologue
     */
    public ScriptedInitiator(KeyPair staticKey, KeyPair ephemeral, String prologueCallerId) {
        byte[] prologue = ("bridgekeeper/1 " + prologueCallerId).getBytes(StandardCharsets.UTF_8);
        this.handshake = HandshakeState.initialize(HandshakePattern.parse("Noise_XX_25519_AESGCM_SHA256"), true,
                prologue, staticKey, ephemeral, null, null, null);
    }

    /** The initiator with the fixed extension keys and {@link FixedKeys#CALLER}. */
    public static ScriptedInitiator fixed() {
        return new ScriptedInitiator(FixedKeys.extensionStatic(), FixedKeys.extensionEphemeral(), FixedKeys.CALLER);
    }

    /** Step 1 ({@code -> e}) as a Noise message. */
    public byte[] step1() {
        try {
            return handshake.writeMessage(new byte[0]);
        } catch (NoiseException e) {
            throw new AssertionError(e);
        }
    }

    /** Reads step 2 (a Noise message); returns the desktop's payload. */
    public byte[] readStep2(byte[] message) throws NoiseException {
        return handshake.readMessage(message);
    }

    /** Reads step 2 from its envelope. */
    public JsonNode readStep2Envelope(byte[] envelope) throws NoiseException {
        JsonNode env = Envelopes.parse(envelope);
        if (!"handshake".equals(env.path("type").asText()) || env.path("step").asInt() != 2) {
            throw new AssertionError("expected handshake step 2, got " + env);
        }
        byte[] payload = readStep2(Base64.getDecoder().decode(env.get("data").asText()));
        return Envelopes.json(new String(payload, StandardCharsets.UTF_8));
    }

    /** Step 3 ({@code -> s, se}) with the handshake payload {@code {"name","version","protocol":1}}. */
    public byte[] step3(String name, String version) {
        ObjectNode payload = Envelopes.JSON.createObjectNode();
        payload.put("name", name);
        payload.put("version", version);
        payload.put("protocol", 1);
        return step3(Envelopes.bytes(payload));
    }

    /** Step 3 with any payload bytes; splits into the transport ciphers. */
    public byte[] step3(byte[] payload) {
        try {
            byte[] message = handshake.writeMessage(payload);
            CipherStatePair pair = handshake.split();
            sendCipher = pair.sender(true);
            receiveCipher = pair.receiver(true);
            return message;
        } catch (NoiseException e) {
            throw new AssertionError(e);
        }
    }

    public byte[] handshakeHash() {
        return handshake.getHandshakeHash();
    }

    /** Encrypts one piece (at most 65,519 bytes) with the next send nonce. */
    public byte[] sealPiece(byte[] plaintext) {
        return sendCipher.encryptWithAd(NO_AD, plaintext);
    }

    /**
     * Decrypts a piece with this side's <em>send</em> key and nonce, as the desktop's receive
     * cipher does: a twin initiator that mirrors the one talking to the desktop predicts, piece
     * by piece, what the desktop will accept (the nonce advances only on success).
     */
    public byte[] decryptAsDesktop(byte[] ciphertext) throws DecryptFailedException {
        return sendCipher.decryptWithAd(NO_AD, ciphertext);
    }

    /** The {@code secure} envelopes of one whole IPC message, cut into pieces as PROTOCOL.md §4 says. */
    public List<byte[]> seal(byte[] message) {
        List<byte[]> frames = new ArrayList<>();
        int off = 0;
        do {
            int n = Math.min(CipherState.MAX_PLAINTEXT_LENGTH, message.length - off);
            byte[] piece = java.util.Arrays.copyOfRange(message, off, off + n);
            off += n;
            frames.add(Envelopes.secure(sealPiece(piece), off < message.length));
        } while (off < message.length);
        return frames;
    }

    /**
     * Opens one {@code secure} envelope from the desktop; returns the whole IPC message once its last
     * piece arrived, else null.
     */
    public byte[] open(byte[] envelope) throws DecryptFailedException {
        JsonNode env = Envelopes.parse(envelope);
        if (!"secure".equals(env.path("type").asText())) {
            throw new AssertionError("expected a secure envelope, got " + env);
        }
        byte[] plain = receiveCipher.decryptWithAd(NO_AD, Base64.getDecoder().decode(env.get("data").asText()));
        pending.writeBytes(plain);
        if (env.path("more").asBoolean(false)) {
            return null;
        }
        byte[] whole = pending.toByteArray();
        pending = new ByteArrayOutputStream();
        return whole;
    }

    /** Opens one envelope that must hold a whole IPC message, and parses it. */
    public JsonNode openMessage(byte[] envelope) throws DecryptFailedException {
        byte[] whole = open(envelope);
        if (whole == null) {
            throw new AssertionError("expected a whole message, got a piece marked more");
        }
        return Envelopes.json(new String(whole, StandardCharsets.UTF_8));
    }
}
