package dev.bridgekeeper.agent.internal.ipc;

import dev.bridgekeeper.ipc.Endpoint;

import java.io.IOException;

/**
 * Moves opaque frames between this side and its peers; knows nothing of their content.
 *
 * <p>A frame is a {@code byte[]} holding one UTF-8 JSON object (PROTOCOL.md §1); the backend
 * enforces its transport's frame limits and hands over whole frames only. An {@link IpcClient} owns
 * its backend: it calls {@link #start} once and {@link #close()} once.
 *
 * <p>Contract for implementations:
 * <ul>
 *   <li>Per connection, listener calls are serial and ordered: {@code opened}, then {@code frame}s
 *       in arrival order, then {@code closed} exactly once. Different connections may be reported
 *       concurrently. A listener call may do real work (decrypt, parse) but never blocks on a peer.
 *   <li>The {@link ConnectionInfo} comes from what the backend observed itself (for the desktop:
 *       the host's {@code hello} and the socket's peer credentials), never from later peer input.
 *   <li>An initiator (extension role) backend has at most one connection at a time and reports it
 *       with {@code peer == Endpoint.desktop()}; after a reconnect it reports a new connection id.
 *   <li>{@link #send} and {@link #close(String)} are thread-safe and must not block for long (queue
 *       writes); frames to one connection are written whole and in call order.
 * </ul>
 */
public interface CommunicationBackend extends AutoCloseable {

    /** Receives connection events from a backend. */
    interface Listener {
        /** A connection opened; no frame of it is reported before this returns. */
        void opened(ConnectionInfo info);

        /** One whole frame arrived; the array now belongs to the listener. */
        void frame(String connectionId, byte[] frame);

        /** The connection closed (by either side); reported once, nothing follows for this id. */
        void closed(String connectionId);
    }

    /**
     * Starts accepting or making connections and reporting them to the listener.
     *
     * @throws IOException if the transport cannot start (for example the socket is taken)
     * @throws IllegalStateException if already started or closed
     */
    void start(Listener listener) throws IOException;

    /**
     * Sends one frame to one connection.
     *
     * @throws IpcException if the connection is unknown or closed, or the frame breaks a limit
     */
    void send(String connectionId, byte[] frame);

    /** Closes one connection; {@code closed} follows. Unknown or closed ids are ignored. */
    void close(String connectionId);

    /** Closes every connection and stops. Idempotent. */
    @Override
    void close();
}
