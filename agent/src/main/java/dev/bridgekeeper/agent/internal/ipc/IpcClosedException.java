package dev.bridgekeeper.agent.internal.ipc;

/** The {@link IpcClient} was closed; pending calls fail with this at once. */
public class IpcClosedException extends IpcException {
    private static final long serialVersionUID = 1L;

    public IpcClosedException(String message) {
        super(message);
    }
}
