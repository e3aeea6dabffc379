package dev.bridgekeeper.agent.internal.ipc;

/**
 * Secures one connection: a stateful layer between the backend's frames and plaintext IPC messages
 * (the wire form {@code {"topic", "payload"}}, see {@link WireMessage} and {@link IpcCodec}).
 *
 * <p>The {@link IpcClient} calls {@link #open} once per connection when the backend reports it, and
 * routes that connection's frames to the returned {@link Session}. The session owns everything
 * below the IPC layer: handshake envelopes, encryption, reassembly and the pairing exchange.
 *
 * <p><b>Pairing and session topics stay inside the session.</b> Messages on {@code pairing.*} and
 * {@code session.*} (PROTOCOL.md §5, {@code session.ready}) are produced and consumed by the session
 * itself (read and write them with {@link IpcCodec}) and are never passed to {@link
 * SessionIo#deliver}; should one arrive at the client anyway, it is dropped and counted. The session
 * tells the client the outcome with {@link SessionIo#ready}. Until then the client accepts only
 * {@code ipc.discover} requests and RPC responses from the peer, and sends it only {@code
 * ipc.discover} calls and RPC answers (PROTOCOL.md §6).
 */
public interface CryptoProvider {

    /**
     * Starts a session for a newly opened connection. Must not block on the peer: an initiator may
     * send its first handshake frame from here. Must not call {@link SessionIo#deliver} before it
     * returns. Throwing closes the connection.
     *
     * @param info what the backend observed about the connection ({@link ConnectionInfo#initiator()}
     *     says which role this side plays)
     * @param io how the session talks to the backend and to the client
     */
    Session open(ConnectionInfo info, SessionIo io);

    /**
     * One connection's security state. Implementations must be thread-safe: the client calls
     * {@link #onFrame} serially (in the connection's frame order), but {@link #send} may come from
     * any thread at any time, concurrently with {@code onFrame} and with other {@code send}s.
     */
    interface Session {
        /**
         * Handles one frame from the peer: a handshake step, a secure message piece, a transport
         * envelope. Complete plaintext IPC messages go to {@link SessionIo#deliver}, in order.
         * Throwing is treated as fatal for the connection (the client closes it); a session may
         * instead send a transport {@code error} envelope itself and call {@link SessionIo#close}.
         */
        void onFrame(byte[] frame);

        /**
         * Sends one plaintext IPC message (UTF-8 JSON, the wire form). The client calls this for
         * RPC answers to an unpaired peer too (the {@code not_paired} and {@code ipc.discover}
         * answers), so it must work once the transport keys exist, before {@code ready}.
         *
         * <p>Before the handshake has produced transport keys a session may either queue the
         * message (bounded, sent in order when the keys exist) or throw {@link IpcException};
         * implementations must document which. The array is handed over: the client never uses
         * it again, so a session may encrypt it in place or zero it.
         *
         * @throws IpcException if the message cannot be sent (closed, not yet possible, too large)
         */
        void send(byte[] plaintext);

        /** Releases the session's state (zeroes keys); the connection is closing. Idempotent. */
        void close();
    }

    /**
     * What a session may do, handed to it by the client. All methods are thread-safe.
     */
    interface SessionIo {
        /** The connection this session secures. */
        ConnectionInfo info();

        /** Where pairings are stored (look up a peer's static key, save an approved pairing). */
        SessionRepository sessions();

        /** The largest plaintext IPC message the client accepts (bytes); for reassembly limits. */
        int maxMessageSize();

        /**
         * Sends one frame to the peer through the backend.
         *
         * @throws IpcException if the connection is closed or the frame breaks a limit
         */
        void sendFrame(byte[] frame);

        /**
         * Hands one complete plaintext IPC message (UTF-8 JSON) to the client, which handles it
         * before returning and keeps no reference to the array, so the session may zero it after.
         * Messages larger than {@link #maxMessageSize()} are answered {@code too_large} (requests)
         * or close the connection; a session that reassembles may close the connection itself
         * rather than buffer far beyond that size.
         */
        void deliver(byte[] plaintextIpcMessage);

        /**
         * The peer is authenticated and paired ({@code session.ready} sent or received): from now
         * on the client accepts events and all RPC methods from it and sends to it. Call once;
         * later calls are ignored.
         */
        void ready(PeerIdentity identity);

        /** Closes the connection (after a fatal error); the client then closes the session. */
        void close();
    }
}
