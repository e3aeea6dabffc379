package dev.bridgekeeper.protocol.local;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/**
 * Blocking streams over a {@link SocketChannel}, one for each direction.
 *
 * <p>Why not {@code Channels.newInputStream}: on JDK 17 its streams hold the channel's blocking
 * lock while they block, so a thread reading and another writing the same socket deadlock.
 * These call {@code read}/{@code write} directly, which lock each direction separately.
 */
public final class ChannelStreams {
    private ChannelStreams() {}

    /** A stream that reads from the channel, blocking until at least one byte or end of stream. */
    public static InputStream input(SocketChannel channel) {
        return new InputStream() {
            private final byte[] one = new byte[1];

            @Override
            public int read() throws IOException {
                int n = read(one, 0, 1);
                return n < 0 ? -1 : one[0] & 0xFF;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (len == 0) {
                    return 0;
                }
                int n;
                do {
                    n = channel.read(ByteBuffer.wrap(b, off, len));
                } while (n == 0);
                return n;
            }

            @Override
            public void close() throws IOException {
                channel.shutdownInput();
            }
        };
    }

    /** A stream that writes everything it is given to the channel before returning. */
    public static OutputStream output(SocketChannel channel) {
        return new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                ByteBuffer buf = ByteBuffer.wrap(b, off, len);
                while (buf.hasRemaining()) {
                    channel.write(buf);
                }
            }

            @Override
            public void close() throws IOException {
                channel.shutdownOutput();
            }
        };
    }
}
