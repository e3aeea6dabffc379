package dev.bridgekeeper.cli;

import dev.bridgekeeper.protocol.local.SocketPaths;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The {@code --socket PATH} option of the commands that run or reach an agent. */
final class AgentSocket {
    @Option(names = "--socket", paramLabel = "PATH",
            description = "The agent's socket (default: $BRIDGEKEEPER_SOCKET, else the per-user path).")
    Path path;

    /** The path given, or the one every Bridgekeeper program agrees on. */
    Path orDefault() {
        return path != null ? path : SocketPaths.defaultPath();
    }
}
