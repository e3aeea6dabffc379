package dev.bridgekeeper.protocol.framing;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads native-messaging frames (PROTOCOL.md §1) from a blocking stream.
 *
 * <p>The announced length is checked against the limit before anything is allocated for it, and
 * the buffer is reused between frames (it grows up to the limit, never beyond). The buffer keeps
 * the length prefix in front of the payload, so a relay forwards a frame verbatim with one write
 * and no copy. Reads block on the stream; a frame arrives whole however its bytes are split.
 *
 * <p>Not thread-safe: one reader per stream, used by one thread.
 */
public final class FrameReader {
    private static final int INITIAL_BUFFER = 64 * 1024;

    /** Where the payload starts in {@link #buffer()}. */
    public static final int PAYLOAD_OFFSET = Frames.HEADER_BYTES;

    private final InputStream in;
    private final int maxFrameBytes;
    /** Holds the last frame as it was on the wire: length prefix at 0, payload from {@link #PAYLOAD_OFFSET}. */
    private byte[] buffer;
    private int length;

    /**
     * @param in            the stream; reads block on it
     * @param maxFrameBytes the largest payload accepted (bytes after the length prefix)
     */
    public FrameReader(InputStream in, int maxFrameBytes) {
        if (maxFrameBytes < 1) {
            throw new IllegalArgumentException("maxFrameBytes must be positive");
        }
        this.in = in;
        this.maxFrameBytes = maxFrameBytes;
        this.buffer = new byte[PAYLOAD_OFFSET + Math.min(INITIAL_BUFFER, maxFrameBytes)];
    }

    public int maxFrameBytes() {
        return maxFrameBytes;
    }

    /**
     * Reads the next frame's payload into the reader's reusable buffer.
     *
     * @return the payload length, or -1 when the stream ended cleanly between frames
     * @throws FrameException {@code EMPTY_FRAME}, {@code FRAME_TOO_LARGE} or {@code TRUNCATED_FRAME}
     */
    public int next() throws IOException {
        int got = readFully(buffer, 0, Frames.HEADER_BYTES);
        if (got == 0) {
            length = 0;
            return -1;
        }
        if (got < Frames.HEADER_BYTES) {
            throw new FrameException(FrameException.Kind.TRUNCATED_FRAME,
                    "stream ended inside a length prefix (" + got + " of 4 bytes)");
        }
        long announced = Frames.decodeLength(buffer, 0);
        if (announced == 0) {
            throw new FrameException(FrameException.Kind.EMPTY_FRAME, "frame length is 0");
        }
        if (announced > maxFrameBytes) {
            throw new FrameException(FrameException.Kind.FRAME_TOO_LARGE,
                    "frame of " + announced + " bytes is over the limit of " + maxFrameBytes);
        }
        int n = (int) announced;
        if (buffer.length < PAYLOAD_OFFSET + n) {
            // Grow geometrically so a stream of growing frames does not reallocate every time.
            int capacity = (int) Math.min(maxFrameBytes, Math.max(n, 2L * buffer.length));
            byte[] grown = new byte[PAYLOAD_OFFSET + capacity];
            System.arraycopy(buffer, 0, grown, 0, PAYLOAD_OFFSET);
            buffer = grown;
        }
        int body = readFully(buffer, PAYLOAD_OFFSET, n);
        if (body < n) {
            throw new FrameException(FrameException.Kind.TRUNCATED_FRAME,
                    "stream ended inside a frame (" + body + " of " + n + " bytes)");
        }
        length = n;
        return n;
    }

    /**
     * The buffer holding the last frame exactly as it was read: the length prefix in
     * {@code [0, 4)} and the payload in {@code [PAYLOAD_OFFSET, PAYLOAD_OFFSET + length)}.
     * Valid until the next read.
     */
    public byte[] buffer() {
        return buffer;
    }

    /** Payload length of the last frame read. */
    public int length() {
        return length;
    }

    /** Reads the next frame and returns a copy of its payload, or null at a clean end of stream. */
    public byte[] readFrame() throws IOException {
        int n = next();
        return n < 0 ? null : Arrays.copyOfRange(buffer, PAYLOAD_OFFSET, PAYLOAD_OFFSET + n);
    }

    /**
     * Reads the next frame as text that must be UTF-8 and look like one JSON object (first and last
     * non-blank characters are braces). Full JSON validation is the parser's job above this layer.
     *
     * @return the text, or null at a clean end of stream
     * @throws FrameException additionally {@code INVALID_UTF8} or {@code NOT_A_JSON_OBJECT}
     */
    public String readJsonText() throws IOException {
        int n = next();
        if (n < 0) {
            return null;
        }
        return decodeJsonObjectText(buffer, PAYLOAD_OFFSET, n);
    }

    /** Validates UTF-8 and the object shape of a payload; see {@link #readJsonText()}. */
    public static String decodeJsonObjectText(byte[] b, int off, int len) throws FrameException {
        String text;
        try {
            CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT);
            CharBuffer chars = decoder.decode(ByteBuffer.wrap(b, off, len));
            text = chars.toString();
        } catch (CharacterCodingException e) {
            throw new FrameException(FrameException.Kind.INVALID_UTF8, "frame is not valid UTF-8");
        }
        int first = 0;
        int last = text.length() - 1;
        while (first <= last && isJsonBlank(text.charAt(first))) {
            first++;
        }
        while (last >= first && isJsonBlank(text.charAt(last))) {
            last--;
        }
        if (first >= last || text.charAt(first) != '{' || text.charAt(last) != '}') {
            throw new FrameException(FrameException.Kind.NOT_A_JSON_OBJECT, "frame is not a JSON object");
        }
        return text;
    }

    private static boolean isJsonBlank(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r';
    }

    /** Reads until {@code len} bytes or end of stream; returns how many were read. */
    private int readFully(byte[] b, int off, int len) throws IOException {
        int total = 0;
        while (total < len) {
            int r = in.read(b, off + total, len - total);
            if (r < 0) {
                break;
            }
            total += r;
        }
        return total;
    }

    /** Thrown by callers that need a frame and got a clean end of stream instead. */
    public static EOFException endOfStream() {
        return new EOFException("stream ended");
    }
}
