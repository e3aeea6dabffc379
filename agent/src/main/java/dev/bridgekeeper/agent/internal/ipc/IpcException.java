package dev.bridgekeeper.agent.internal.ipc;

/**
 * A local IPC failure: no connection to the endpoint, a connection that closed before answering,
 * a malformed answer. {@code RpcException} (a remote or protocol error with a code) extends it.
 */
public class IpcException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public IpcException(String message) {
        super(message);
    }

    public IpcException(String message, Throwable cause) {
        super(message, cause);
    }
}
