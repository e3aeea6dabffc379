package dev.bridgekeeper.agent.internal.secure;

import dev.bridgekeeper.noise.CipherState;
import dev.bridgekeeper.noise.DecryptFailedException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

/**
 * The {@code secure} envelopes of PROTOCOL.md §4 for one session: each carries one Noise transport
 * message; a plaintext longer than 65,519 bytes is cut into pieces, all but the last marked
 * {@code "more": true}. Every piece is authenticated and numbered by the cipher's nonce, so a
 * replayed, dropped, reordered or altered piece fails to decrypt, which is fatal.
 *
 * <p>Sending is serialised (one lock for the send cipher); receiving is called by one thread.
 */
final class SecureTransport {
    /** Largest plaintext per Noise transport message (65,535 minus the 16-byte tag). */
    static final int MAX_PIECE = CipherState.MAX_PLAINTEXT_LENGTH;
    /** How much of an oversize message is kept to find out what it was (its topic and id). */
    static final int OVERSIZE_PREFIX = 16 * 1024;

    private static final byte[] EMPTY_AD = new byte[0];

    private final CipherState sendCipher;
    private final CipherState receiveCipher;
    private final int maxMessageSize;
    private final byte[] sealed = new byte[CipherState.MAX_MESSAGE_LENGTH];
    private final byte[] opened = new byte[CipherState.MAX_MESSAGE_LENGTH];

    private ByteArrayOutputStream pending = new ByteArrayOutputStream();
    private long pendingTotal;
    private boolean oversize;

    /** What a received piece completed. */
    sealed interface Received permits Incomplete, Message, Oversize {}

    /** More pieces are to come. */
    record Incomplete() implements Received {}

    /** A whole message. */
    record Message(byte[] plaintext) implements Received {}

    /** A whole message over the limit: only its first bytes were kept, to answer it. */
    record Oversize(byte[] prefix, long size) implements Received {}

    SecureTransport(CipherState sendCipher, CipherState receiveCipher, int maxMessageSize) {
        this.sendCipher = sendCipher;
        this.receiveCipher = receiveCipher;
        this.maxMessageSize = maxMessageSize;
    }

    /** Encrypts one plaintext IPC message into its {@code secure} envelopes (JSON, UTF-8), in order. */
    List<byte[]> seal(byte[] plaintext) {
        List<byte[]> frames = new ArrayList<>(plaintext.length / MAX_PIECE + 1);
        synchronized (sendCipher) {
            int off = 0;
            do {
                int n = Math.min(MAX_PIECE, plaintext.length - off);
                boolean more = off + n < plaintext.length;
                int len = sendCipher.encryptWithAd(EMPTY_AD, plaintext, off, n, sealed, 0);
                frames.add(envelope(Base64.getEncoder().encodeToString(Arrays.copyOf(sealed, len)), more));
                off += n;
            } while (off < plaintext.length);
        }
        return frames;
    }

    private static byte[] envelope(String data, boolean more) {
        // Base64 needs no JSON escaping; building the envelope by hand keeps the hot path cheap.
        String json = more
                ? "{\"type\":\"secure\",\"data\":\"" + data + "\",\"more\":true}"
                : "{\"type\":\"secure\",\"data\":\"" + data + "\"}";
        return json.getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * Decrypts one received piece.
     *
     * @throws DecryptFailedException if it was tampered with, replayed, reordered or not ours
     */
    Received open(byte[] ciphertext, boolean more) throws DecryptFailedException {
        if (ciphertext.length > CipherState.MAX_MESSAGE_LENGTH) {
            throw new DecryptFailedException("secure message over 65,535 bytes");
        }
        int n = receiveCipher.decryptWithAd(EMPTY_AD, ciphertext, 0, ciphertext.length, opened, 0);
        pendingTotal += n;
        if (!oversize && pendingTotal > maxMessageSize) {
            oversize = true; // Keep only the start; the rest is decrypted (to stay in step) and dropped.
        }
        if (!oversize || pending.size() < OVERSIZE_PREFIX) {
            int keep = oversize ? Math.min(n, OVERSIZE_PREFIX - pending.size()) : n;
            pending.write(opened, 0, keep);
        }
        Arrays.fill(opened, 0, n, (byte) 0);
        if (more) {
            return new Incomplete();
        }
        byte[] whole = pending.toByteArray();
        long size = pendingTotal;
        boolean wasOversize = oversize;
        pending = new ByteArrayOutputStream();
        pendingTotal = 0;
        oversize = false;
        return wasOversize ? new Oversize(whole, size) : new Message(whole);
    }

    void destroy() {
        synchronized (sendCipher) {
            sendCipher.destroy();
        }
        receiveCipher.destroy();
        Arrays.fill(sealed, (byte) 0);
        pending = new ByteArrayOutputStream();
    }
}
