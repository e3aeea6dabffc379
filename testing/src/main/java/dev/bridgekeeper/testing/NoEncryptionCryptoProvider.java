package dev.bridgekeeper.testing;

import dev.bridgekeeper.agent.internal.ipc.ConnectionInfo;
import dev.bridgekeeper.agent.internal.ipc.CryptoProvider;
import dev.bridgekeeper.agent.internal.ipc.PeerIdentity;

/**
 * A crypto provider that adds no security at all: <b>frames are the plaintext IPC message JSON</b>,
 * and every session is reported ready (paired) the moment it opens, with an anonymous identity.
 *
 * <p>For tests and for embedding where the transport is already trusted end to end (for example
 * two components in one process). Never use it on a socket or pipe another process can reach: any
 * peer would be treated as paired. It has no pairing logic, so {@code pairing.*} and {@code
 * session.*} messages reach the client, which drops and counts them.
 */
public final class NoEncryptionCryptoProvider implements CryptoProvider {

    @Override
    public Session open(ConnectionInfo info, SessionIo io) {
        io.ready(PeerIdentity.ANONYMOUS);
        return new Session() {
            @Override
            public void onFrame(byte[] frame) {
                io.deliver(frame);
            }

            @Override
            public void send(byte[] plaintext) {
                io.sendFrame(plaintext);
            }

            @Override
            public void close() {}
        };
    }
}
