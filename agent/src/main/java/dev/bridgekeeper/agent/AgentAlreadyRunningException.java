package dev.bridgekeeper.agent;

import java.io.IOException;
import java.nio.file.Path;

/** A live agent already serves the socket; a second one must not steal it. */
public final class AgentAlreadyRunningException extends IOException {
    private static final long serialVersionUID = 1L;

    public AgentAlreadyRunningException(Path socket) {
        super("another Bridgekeeper agent is already running on " + socket
                + " (stop it first, or give this one another socket with --socket or BRIDGEKEEPER_SOCKET)");
    }
}
