package dev.bridgekeeper.protocol.framing;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Writes native-messaging frames (PROTOCOL.md §1): a length prefix in native byte order, then the
 * payload. Small frames go out in one write (one system call); large ones as prefix + payload, which
 * costs one more call but no copy.
 *
 * <p>Thread-safe: frames are written whole under a lock, so several threads may share one writer.
 */
public final class FrameWriter {
    private final OutputStream out;
    private final int maxFrameBytes;
    /** Up to this payload size, copying into one buffer is cheaper than a second system call. */
    private static final int COALESCE_LIMIT = 16 * 1024;

    private final byte[] scratch = new byte[Frames.HEADER_BYTES + COALESCE_LIMIT];

    /**
     * @param out           the stream (flushed after every frame)
     * @param maxFrameBytes the largest payload this writer will send; larger ones are refused
     */
    public FrameWriter(OutputStream out, int maxFrameBytes) {
        this.out = out;
        this.maxFrameBytes = maxFrameBytes;
    }

    public int maxFrameBytes() {
        return maxFrameBytes;
    }

    /** Writes one frame whose payload is {@code payload[off, off+len)}. */
    public synchronized void write(byte[] payload, int off, int len) throws IOException {
        if (len == 0) {
            throw new FrameException(FrameException.Kind.EMPTY_FRAME, "refusing to write an empty frame");
        }
        if (len > maxFrameBytes) {
            throw new FrameException(FrameException.Kind.FRAME_TOO_LARGE,
                    "refusing to write a frame of " + len + " bytes; the limit is " + maxFrameBytes);
        }
        Frames.encodeLength(len, scratch, 0);
        if (len <= COALESCE_LIMIT) {
            System.arraycopy(payload, off, scratch, Frames.HEADER_BYTES, len);
            out.write(scratch, 0, Frames.HEADER_BYTES + len);
        } else {
            out.write(scratch, 0, Frames.HEADER_BYTES);
            out.write(payload, off, len);
        }
        out.flush();
    }

    /**
     * Forwards the frame {@code reader} read last, verbatim (length prefix and payload), in one
     * write and without copying: the relay's hot path.
     */
    public synchronized void forward(FrameReader reader) throws IOException {
        int len = reader.length();
        if (len > maxFrameBytes) {
            throw new FrameException(FrameException.Kind.FRAME_TOO_LARGE,
                    "refusing to forward a frame of " + len + " bytes; the limit is " + maxFrameBytes);
        }
        out.write(reader.buffer(), 0, FrameReader.PAYLOAD_OFFSET + len);
        out.flush();
    }

    /** Writes one frame holding {@code payload}. */
    public void write(byte[] payload) throws IOException {
        write(payload, 0, payload.length);
    }

    /** Writes one frame holding the UTF-8 encoding of {@code json}. */
    public void writeText(String json) throws IOException {
        write(json.getBytes(StandardCharsets.UTF_8));
    }
}
