package dev.bridgekeeper.ipc;

import dev.bridgekeeper.agent.internal.ipc.IpcClient;

/**
 * One subscriber (or event listener) of an {@link IpcClient}. Closing it stops delivery and
 * discards what is still queued for it.
 */
public interface Subscription extends AutoCloseable {

    /** The topic (event name) it receives. */
    String topic();

    /** Messages dropped because this subscriber's queue was full. */
    long dropped();

    /** True once closed. */
    boolean isClosed();

    /** Stops delivery; idempotent. */
    @Override
    void close();
}
