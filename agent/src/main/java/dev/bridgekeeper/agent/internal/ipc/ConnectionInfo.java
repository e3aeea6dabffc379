package dev.bridgekeeper.agent.internal.ipc;

import dev.bridgekeeper.ipc.Endpoint;

import java.util.Objects;

/**
 * What a {@link CommunicationBackend} knows about one connection when it opens. The backend sets
 * it from what it observed itself (the host's {@code hello}, the socket's peer credentials), never
 * from anything the peer can later change.
 *
 * @param connectionId the backend's id for this connection, unique while it is open
 * @param peer {@link Endpoint#desktop()} when this side is the initiator (extension role), else
 *     {@code Endpoint.connection(connectionId)}
 * @param callerId the extension's caller id ({@code chrome-extension://…/}); null when the peer is
 *     the desktop
 * @param browser {@code chromium} or {@code firefox}; may be null
 * @param peerUser the peer process's OS user; may be null
 * @param peerPid the peer process id; may be null
 */
public record ConnectionInfo(
        String connectionId, Endpoint peer, String callerId, String browser, String peerUser, Long peerPid) {

    public ConnectionInfo {
        Endpoint.requireValidConnectionId(connectionId);
        Objects.requireNonNull(peer, "peer");
        if (peer instanceof Endpoint.All) {
            throw new IllegalArgumentException("a connection's peer cannot be Endpoint.all()");
        }
        if (peer instanceof Endpoint.Connection c && !c.id().equals(connectionId)) {
            throw new IllegalArgumentException("peer endpoint must be Endpoint.connection(connectionId)");
        }
    }

    /** Info for the initiator side: the single peer is the desktop. */
    public static ConnectionInfo toDesktop(String connectionId) {
        return new ConnectionInfo(connectionId, Endpoint.desktop(), null, null, null, null);
    }

    /** Info for the responder (desktop) side about one extension connection. */
    public static ConnectionInfo fromExtension(
            String connectionId, String callerId, String browser, String peerUser, Long peerPid) {
        return new ConnectionInfo(connectionId, Endpoint.connection(connectionId), callerId, browser, peerUser, peerPid);
    }

    /** True when this side started the connection (extension role, the peer is the desktop). */
    public boolean initiator() {
        return peer instanceof Endpoint.Desktop;
    }
}
