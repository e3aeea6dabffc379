package dev.bridgekeeper.protocol.framing;

import dev.bridgekeeper.protocol.Limits;
import java.nio.ByteOrder;

/** Constants and the length-prefix codec of PROTOCOL.md §1, shared by reader and writer. */
public final class Frames {
    private Frames() {}

    /** Bytes in the length prefix. */
    public static final int HEADER_BYTES = Limits.FRAME_HEADER_BYTES;

    /** The largest frame a host may write to the browser: browsers close the port above it. */
    public static final int MAX_TO_BROWSER = Limits.MAX_FRAME_TO_BROWSER_BYTES;

    /** The default largest frame a reader accepts (browser to host, host to desktop). */
    public static final int DEFAULT_MAX_FRAME = Limits.MAX_FRAME_BYTES;

    /** The length prefix is in the platform's native byte order, as browsers write it. */
    public static final ByteOrder ORDER = ByteOrder.nativeOrder();

    /** Decodes a 4-byte length prefix as an unsigned value. */
    public static long decodeLength(byte[] b, int off) {
        long b0 = b[off] & 0xFF;
        long b1 = b[off + 1] & 0xFF;
        long b2 = b[off + 2] & 0xFF;
        long b3 = b[off + 3] & 0xFF;
        return ORDER == ByteOrder.LITTLE_ENDIAN
                ? b0 | b1 << 8 | b2 << 16 | b3 << 24
                : b3 | b2 << 8 | b1 << 16 | b0 << 24;
    }

    /** Encodes a length prefix (0 ≤ length ≤ 2^32-1). */
    public static void encodeLength(long length, byte[] b, int off) {
        if (length < 0 || length > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("frame length out of range: " + length);
        }
        if (ORDER == ByteOrder.LITTLE_ENDIAN) {
            b[off] = (byte) length;
            b[off + 1] = (byte) (length >>> 8);
            b[off + 2] = (byte) (length >>> 16);
            b[off + 3] = (byte) (length >>> 24);
        } else {
            b[off + 3] = (byte) length;
            b[off + 2] = (byte) (length >>> 8);
            b[off + 1] = (byte) (length >>> 16);
            b[off] = (byte) (length >>> 24);
        }
    }
}
