package dev.bridgekeeper.ipc;

import dev.bridgekeeper.agent.internal.ipc.ConnectionInfo;
import dev.bridgekeeper.agent.internal.ipc.IpcClient;
import dev.bridgekeeper.agent.internal.ipc.PeerIdentity;

import java.util.Objects;

/**
 * Who sent an incoming message. Built only by the receiving {@link IpcClient} from its backend's
 * {@link ConnectionInfo} and its crypto session's {@link PeerIdentity}; nothing a sender puts in a
 * message can change it.
 *
 * @param endpoint where to answer: {@link Endpoint#desktop()} or {@code Endpoint.connection(id)}
 * @param callerId the extension's caller id; null when the peer is the desktop
 * @param peerName the paired peer's name from its handshake payload; may be null
 * @param keyFingerprint the fingerprint of the peer's static key; may be null
 * @param peerPid the peer's OS process id; may be null
 * @param peerUser the peer's OS user; may be null
 * @param paired true once the crypto session reported the peer as paired (ready)
 */
public record Source(
        Endpoint endpoint,
        String callerId,
        String peerName,
        String keyFingerprint,
        Long peerPid,
        String peerUser,
        boolean paired) {

    public Source {
        Objects.requireNonNull(endpoint, "endpoint");
        if (endpoint instanceof Endpoint.All) {
            throw new IllegalArgumentException("a source is one endpoint, not Endpoint.all()");
        }
    }
}
