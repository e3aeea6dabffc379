package dev.bridgekeeper.agent.internal.ipc;

import dev.bridgekeeper.protocol.Limits;
import dev.bridgekeeper.protocol.UntrustedText;
import java.util.Objects;

/**
 * An application's name and version as its peers see them: in the handshake payload
 * (PROTOCOL.md §3.3) and in {@code ipc.discover}. The one definition behind every builder's
 * {@code identity(name, version)} option (IPC client, crypto provider, desktop bridge): a value the
 * peer would refuse in the handshake is refused here, when the application is configured.
 *
 * @param name    1 to {@code maxPeerNameChars} characters, not blank, no control characters
 * @param version 1 to {@code maxPeerVersionChars} characters, not blank, no control characters
 */
public record AppIdentity(String name, String version) {
    public AppIdentity {
        require(name, "identity name", Limits.MAX_PEER_NAME_CHARS);
        require(version, "identity version", Limits.MAX_PEER_VERSION_CHARS);
    }

    private static void require(String s, String what, int max) {
        Objects.requireNonNull(s, what);
        if (s.isBlank()) {
            throw new IllegalArgumentException(what + " must not be blank");
        }
        if (s.length() > max || UntrustedText.hasControl(s)) {
            throw new IllegalArgumentException(what + " must have at most " + max
                    + " characters and no control characters");
        }
    }
}
