package dev.bridgekeeper.agent.internal.secure;

import dev.bridgekeeper.noise.CipherState;
import dev.bridgekeeper.noise.DecryptFailedException;
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
    /** Reassembly grows in pieces of this size, so a message of N bytes holds at most N + 1 MiB. */
    static final int CHUNK = 1024 * 1024;

    private static final byte[] EMPTY_AD = new byte[0];

    private final CipherState sendCipher;
    private final CipherState receiveCipher;
    private final int maxMessageSize;
    private final byte[] sealed = new byte[CipherState.MAX_MESSAGE_LENGTH];
    private final byte[] opened = new byte[CipherState.MAX_MESSAGE_LENGTH];

    /** The message being received, in chunks: no doubling copies, and dropped at once when oversize. */
    private final List<byte[]> chunks = new ArrayList<>();
    /** Bytes in the last chunk. */
    private int lastChunkUsed;
    private long pendingTotal;
    /** Once the message is over the limit: its first bytes, to answer it; the rest is not kept. */
    private byte[] oversizePrefix;

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
     * Decrypts one received piece ({@code length} bytes of {@code ciphertext} from {@code offset}).
     * A message is assembled in 1 MiB chunks and copied once into an array of its exact size when
     * it is complete; one over the limit drops what it had at once and keeps only its first
     * {@link #OVERSIZE_PREFIX} bytes, so refusing it never holds more than the limit.
     *
     * @throws DecryptFailedException if it was tampered with, replayed, reordered or not ours
     */
    Received open(byte[] ciphertext, int offset, int length, boolean more) throws DecryptFailedException {
        if (length > CipherState.MAX_MESSAGE_LENGTH) {
            throw new DecryptFailedException("secure message over 65,535 bytes");
        }
        int n = receiveCipher.decryptWithAd(EMPTY_AD, ciphertext, offset, length, opened, 0);
        pendingTotal += n;
        if (oversizePrefix == null && pendingTotal > maxMessageSize) {
            // Decrypted pieces still count (the cipher must stay in step) but are no longer kept.
            int held = held();
            int fromHeld = Math.min(OVERSIZE_PREFIX, held);
            int fromPiece = Math.min(OVERSIZE_PREFIX - fromHeld, n);
            oversizePrefix = Arrays.copyOf(prefix(fromHeld), fromHeld + fromPiece);
            System.arraycopy(opened, 0, oversizePrefix, fromHeld, fromPiece);
            clearChunks(null);
        }
        if (oversizePrefix == null) {
            append(opened, n);
        }
        Arrays.fill(opened, 0, n, (byte) 0);
        if (more) {
            return new Incomplete();
        }
        long size = pendingTotal;
        byte[] whole = oversizePrefix != null ? null : assemble();
        Received r = whole == null ? new Oversize(oversizePrefix, size) : new Message(whole);
        clearChunks(whole);
        pendingTotal = 0;
        oversizePrefix = null;
        return r;
    }

    /** See {@link #open(byte[], int, int, boolean)}. */
    Received open(byte[] ciphertext, boolean more) throws DecryptFailedException {
        return open(ciphertext, 0, ciphertext.length, more);
    }

    /** Adds {@code n} bytes of {@code b}; {@link #pendingTotal} already counts them. */
    private void append(byte[] b, int n) {
        long before = pendingTotal - n; // What the chunks hold now.
        int off = 0;
        while (off < n) {
            byte[] last = chunks.isEmpty() ? null : chunks.get(chunks.size() - 1);
            if (last == null || lastChunkUsed == last.length) {
                long room = maxMessageSize - (before + off); // Never past the limit.
                if (last != null && chunks.size() == 1 && last.length < CHUNK) {
                    // A small first chunk doubles up to 1 MiB: small messages stay small.
                    chunks.set(0, Arrays.copyOf(last, (int) Math.min(Math.min(CHUNK, 2L * last.length), last.length + room)));
                    Arrays.fill(last, (byte) 0);
                } else {
                    int first = Math.max(n - off, 4096);
                    chunks.add(new byte[(int) Math.min(last == null ? Math.min(first, CHUNK) : CHUNK, room)]);
                    lastChunkUsed = 0;
                }
                last = chunks.get(chunks.size() - 1);
            }
            int k = Math.min(n - off, last.length - lastChunkUsed);
            System.arraycopy(b, off, last, lastChunkUsed, k);
            lastChunkUsed += k;
            off += k;
        }
    }

    /** The chunks as one array of exactly the received size (the only chunk itself when it fits exactly). */
    private byte[] assemble() {
        int total = held();
        if (chunks.size() == 1 && chunks.get(0).length == total) {
            return chunks.get(0);
        }
        return prefix(total);
    }

    private int held() {
        int total = 0;
        for (int i = 0; i < chunks.size(); i++) {
            total += i == chunks.size() - 1 ? lastChunkUsed : chunks.get(i).length;
        }
        return total;
    }

    /** A copy of the first {@code len} bytes held. */
    private byte[] prefix(int len) {
        byte[] out = new byte[len];
        int off = 0;
        for (int i = 0; i < chunks.size() && off < len; i++) {
            int k = Math.min(len - off, i == chunks.size() - 1 ? lastChunkUsed : chunks.get(i).length);
            System.arraycopy(chunks.get(i), 0, out, off, k);
            off += k;
        }
        return out;
    }

    /** Zeroes and drops the chunks, except {@code handedOut} (the message itself). */
    private void clearChunks(byte[] handedOut) {
        for (byte[] c : chunks) {
            if (c != handedOut) {
                Arrays.fill(c, (byte) 0);
            }
        }
        chunks.clear();
        lastChunkUsed = 0;
    }

    void destroy() {
        synchronized (sendCipher) {
            sendCipher.destroy();
        }
        receiveCipher.destroy();
        Arrays.fill(sealed, (byte) 0);
        clearChunks(null);
    }
}
