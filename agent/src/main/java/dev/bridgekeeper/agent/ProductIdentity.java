package dev.bridgekeeper.agent;

import dev.bridgekeeper.protocol.local.SocketPaths;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Which product a bridge serves: its native messaging host name (reverse-DNS, e.g.
 * {@code com.example.vault}, the name in the browser manifest and the extension's
 * {@code connectNative} call) and the name people see.
 *
 * <p>The host name decides the product's socket and data directory, so two products embedding
 * Bridgekeeper for the same OS user run side by side without touching each other's pairings.
 * {@link #DEFAULT} is Bridgekeeper's own reference product and keeps every path it always had.
 *
 * @param hostName    lowercase letters, digits, underscores and single dots, at least one dot,
 *                    at most {@value SocketPaths#MAX_HOST_NAME_LENGTH} characters
 * @param displayName what the manifest's description and the extension show, not blank
 */
public record ProductIdentity(String hostName, String displayName) {

    /** {@code dev.bridgekeeper.host}, "Bridgekeeper". */
    public static final ProductIdentity DEFAULT = new ProductIdentity(SocketPaths.DEFAULT_HOST_NAME, "Bridgekeeper");

    /** @throws IllegalArgumentException for a host name browsers would refuse or a blank display name */
    public ProductIdentity {
        SocketPaths.requireHostName(hostName);
        Objects.requireNonNull(displayName, "displayName");
        if (displayName.isBlank()) {
            throw new IllegalArgumentException("displayName must not be blank");
        }
    }

    /** This product's socket for the current OS user ({@code BRIDGEKEEPER_SOCKET} still overrides it). */
    public Path socketPath() {
        return SocketPaths.pathFor(hostName);
    }

    /** This product's identity key and pairings folder for the current OS user. */
    public Path dataDirectory() {
        return SocketPaths.dataDirectory(hostName);
    }
}
