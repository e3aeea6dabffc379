package dev.bridgekeeper.agent.internal.ipc;

/** An encoded IPC message is larger than the configured maximum message size. */
public class MessageTooLargeException extends IpcException {
    private static final long serialVersionUID = 1L;

    private final long size;
    private final long limit;

    public MessageTooLargeException(long size, long limit) {
        super("IPC message of " + size + " bytes exceeds the limit of " + limit + " bytes");
        this.size = size;
        this.limit = limit;
    }

    public long size() {
        return size;
    }

    public long limit() {
        return limit;
    }
}
