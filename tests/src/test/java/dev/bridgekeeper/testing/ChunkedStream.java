package dev.bridgekeeper.testing;

import java.io.InputStream;

/**
 * An input stream that hands out at most {@code chunk} bytes per read, as a pipe under load does,
 * and never reports bytes as available: a reader that relied on {@code available()} or on one read
 * filling its buffer fails against it.
 */
public final class ChunkedStream extends InputStream {
    private final byte[] data;
    private final int chunk;
    private int pos;

    public ChunkedStream(byte[] data, int chunk) {
        if (chunk < 1) {
            throw new IllegalArgumentException("chunk must be positive");
        }
        this.data = data;
        this.chunk = chunk;
    }

    @Override
    public int read() {
        return pos < data.length ? data[pos++] & 0xFF : -1;
    }

    @Override
    public int read(byte[] b, int off, int len) {
        if (len == 0) {
            return 0;
        }
        if (pos >= data.length) {
            return -1;
        }
        int n = Math.min(Math.min(len, chunk), data.length - pos);
        System.arraycopy(data, pos, b, off, n);
        pos += n;
        return n;
    }

    @Override
    public int available() {
        return 0;
    }
}
