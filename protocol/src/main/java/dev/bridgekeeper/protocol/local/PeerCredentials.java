package dev.bridgekeeper.protocol.local;

import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.util.Optional;
import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;

/**
 * Who is on the other end of a local socket, as the kernel says ({@code SO_PEERCRED} on Linux,
 * {@code LOCAL_PEERCRED} on macOS). On Windows the JDK offers no peer credentials; there the
 * socket's directory ACL (the user's LOCALAPPDATA) is what keeps other users out.
 */
public final class PeerCredentials {
    private PeerCredentials() {}

    /** The OS user of the peer, or empty where the platform does not tell. */
    public static Optional<UserPrincipal> peerUser(SocketChannel channel) throws IOException {
        if (!channel.supportedOptions().contains(ExtendedSocketOptions.SO_PEERCRED)) {
            return Optional.empty();
        }
        UnixDomainPrincipal principal = channel.getOption(ExtendedSocketOptions.SO_PEERCRED);
        // No method reference: the host calls this on its way to the first frame (see SocketPaths).
        return principal == null ? Optional.empty() : Optional.of(principal.user());
    }

    /**
     * The OS user this process runs as, read from a file it created itself (its owner is this
     * process's effective user, whatever {@code user.name} says).
     */
    public static UserPrincipal currentUser(Path fileWeCreated) throws IOException {
        return Files.getOwner(fileWeCreated);
    }

    /** Whether peer credentials are available on this platform's sockets. */
    public static boolean supported(SocketChannel channel) {
        return channel.supportedOptions().contains(ExtendedSocketOptions.SO_PEERCRED);
    }
}
