package dev.bridgekeeper.agent.internal.transport;

import dev.bridgekeeper.protocol.local.ChannelStreams;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.SocketChannel;
import java.nio.file.attribute.UserPrincipal;
import java.util.Optional;

/**
 * One accepted local connection whose peer passed the same-user check. Reading and writing may
 * happen on different threads; {@link #close()} unblocks both.
 */
public final class LocalConnection implements AutoCloseable {
    private final long id;
    private final SocketChannel channel;
    private final UserPrincipal peerUser;
    private final InputStream in;
    private final OutputStream out;

    LocalConnection(long id, SocketChannel channel, UserPrincipal peerUser) {
        this(id, channel, peerUser, new byte[0]);
    }

    /** @param alreadyRead bytes read from the channel before (by the {@link WaitingRoom}); read first */
    LocalConnection(long id, SocketChannel channel, UserPrincipal peerUser, byte[] alreadyRead) {
        this.id = id;
        this.channel = channel;
        this.peerUser = peerUser;
        this.in = alreadyRead.length == 0 ? ChannelStreams.input(channel)
                : new java.io.SequenceInputStream(new java.io.ByteArrayInputStream(alreadyRead), ChannelStreams.input(channel));
        this.out = ChannelStreams.output(channel);
    }

    /** A number unique within this server, for logs and endpoint ids. */
    public long id() {
        return id;
    }

    /** The peer's OS user as the kernel reported it, or empty where the platform does not tell. */
    public Optional<UserPrincipal> peerUser() {
        return Optional.ofNullable(peerUser);
    }

    public InputStream input() {
        return in;
    }

    public OutputStream output() {
        return out;
    }

    public boolean isOpen() {
        return channel.isOpen();
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // Closing a socket that is already broken has nothing left to report.
        }
    }
}
