package dev.bridgekeeper.agent.internal.ipc;

import dev.bridgekeeper.ipc.Source;

/**
 * Learns about an {@link IpcClient}'s connections. Callbacks run on the thread that reports the
 * connection's events, in order per connection ({@code opened}, {@code ready}, {@code closed}), and
 * must return quickly; a callback that throws is logged and ignored.
 */
public interface ConnectionListener {

    /** A connection opened; its session is not paired yet ({@code source.paired()} is false). */
    default void opened(Source source) {}

    /** The connection's session became ready (paired); {@code source} holds its identity. */
    default void ready(Source source) {}

    /** The connection closed. */
    default void closed(Source source) {}
}
