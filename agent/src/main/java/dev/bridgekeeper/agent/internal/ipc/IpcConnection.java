package dev.bridgekeeper.agent.internal.ipc;

import dev.bridgekeeper.ipc.Source;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One open connection of an {@link IpcClient}: its info, crypto session and current source; also
 * the I/O the crypto session sees ({@link CryptoProvider.SessionIo}). What the session decrypts,
 * and its readiness, go up to the {@link Upstream} (the {@link InboundRouter}).
 */
final class IpcConnection implements CryptoProvider.SessionIo {
    private static final Logger log = LoggerFactory.getLogger(IpcClient.class);

    /** Where a connection hands what its session produced. */
    interface Upstream {
        /** A decrypted IPC message. */
        void deliver(IpcConnection c, byte[] plaintext);

        /** The session reported the peer ready (paired), after it was attached. */
        void ready(IpcConnection c, PeerIdentity identity);

        /** The session delivered a message before it was attached; it was dropped. */
        void deliveredTooEarly(IpcConnection c);
    }

    final ConnectionInfo info;
    volatile CryptoProvider.Session session;
    volatile Source source;
    volatile boolean closed;
    /** Counted among the connections not ready yet (see {@link InboundRouter}); cleared once. */
    final java.util.concurrent.atomic.AtomicBoolean countedNotReady = new java.util.concurrent.atomic.AtomicBoolean();

    private final CommunicationBackend backend;
    private final SessionRepository sessions;
    private final int maxMessageSize;
    private final Upstream upstream;
    private final Object lock = new Object();
    private boolean readyReported;
    private PeerIdentity readyBeforeAttach;

    IpcConnection(ConnectionInfo info, CommunicationBackend backend, SessionRepository sessions, int maxMessageSize,
            Upstream upstream) {
        this.info = info;
        this.backend = backend;
        this.sessions = sessions;
        this.maxMessageSize = maxMessageSize;
        this.upstream = upstream;
        this.source = new Source(info.peer(), info.callerId(), null, null, info.peerPid(), info.peerUser(), false);
    }

    String id() {
        return info.connectionId();
    }

    boolean isReady() {
        return source.paired() && session != null && !closed;
    }

    /** Sets the session; returns the identity it reported ready during {@code open}, if any. */
    PeerIdentity attach(CryptoProvider.Session s) {
        synchronized (lock) {
            session = s;
            PeerIdentity early = readyBeforeAttach;
            readyBeforeAttach = null;
            return early;
        }
    }

    void send(byte[] plaintext) {
        CryptoProvider.Session s = session;
        if (closed) {
            throw new IpcException("connection " + id() + " is closed");
        }
        if (s == null) {
            throw new IpcException("connection " + id() + " is not established yet");
        }
        try {
            s.send(plaintext);
        } catch (IpcException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new IpcException("the session of " + id() + " could not send: " + e.getClass().getName(), e);
        }
    }

    void closeSession() {
        closed = true;
        CryptoProvider.Session s = session;
        if (s != null) {
            try {
                s.close();
            } catch (RuntimeException e) {
                log.warn("closing the session of {} failed: {}", id(), e.getClass().getName());
            }
        }
    }

    // -- SessionIo, for the crypto session

    @Override
    public ConnectionInfo info() {
        return info;
    }

    @Override
    public SessionRepository sessions() {
        return sessions;
    }

    @Override
    public int maxMessageSize() {
        return maxMessageSize;
    }

    @Override
    public void sendFrame(byte[] frame) {
        if (closed) {
            throw new IpcException("connection " + id() + " is closed");
        }
        backend.send(id(), frame);
    }

    @Override
    public void deliver(byte[] plaintextIpcMessage) {
        Objects.requireNonNull(plaintextIpcMessage, "plaintextIpcMessage");
        if (session == null) {
            log.warn("session of {} delivered a message before open() returned; dropped", id());
            upstream.deliveredTooEarly(this);
            return;
        }
        upstream.deliver(this, plaintextIpcMessage);
    }

    @Override
    public void ready(PeerIdentity identity) {
        PeerIdentity id = identity != null ? identity : PeerIdentity.ANONYMOUS;
        synchronized (lock) {
            if (readyReported || closed) {
                return;
            }
            readyReported = true;
            if (session == null) {
                readyBeforeAttach = id;
                return;
            }
        }
        upstream.ready(this, id);
    }

    @Override
    public void close() {
        backend.close(id());
    }
}
