package dev.bridgekeeper.cli;

import dev.bridgekeeper.protocol.local.SocketPaths;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The {@code --host-name NAME} and {@code --socket PATH} options of the commands that run or reach
 * an agent: the product picks the socket unless a path is given.
 */
final class AgentSocket {
    @Option(names = "--host-name", paramLabel = "NAME",
            description = "The product's native messaging host name, reverse-DNS such as com.example.vault "
                    + "(default: " + SocketPaths.DEFAULT_HOST_NAME + "); it picks the socket and data folder.")
    String hostName;

    @Option(names = "--socket", paramLabel = "PATH",
            description = "The agent's socket (default: $BRIDGEKEEPER_SOCKET, else the per-user path).")
    Path path;

    /** The product named, checked as browsers require (IllegalArgumentException names the rule). */
    String hostNameOrDefault() {
        return hostName == null ? SocketPaths.DEFAULT_HOST_NAME : SocketPaths.requireHostName(hostName);
    }

    /** The path given, or the product's, the one its host looks for. */
    Path orDefault() {
        return path != null ? path : SocketPaths.pathFor(hostNameOrDefault());
    }
}
