package dev.bridgekeeper.agent.internal.ipc;

/**
 * Counters of messages an {@link IpcClient} did not deliver, so nothing is lost silently. A
 * snapshot; each count only grows over the client's life.
 *
 * @param subscriberDrops events dropped because a subscriber's queue was full
 * @param unpairedDrops events dropped because their session was not paired yet
 * @param reservedTopicDrops {@code pairing.*}/{@code session.*} messages that reached the client
 *     instead of staying in the crypto session
 * @param malformedMessages messages that were not valid IPC messages (answered with {@code
 *     parse_error} or {@code invalid_request}), and event payloads that did not fit a typed
 *     subscriber
 * @param oversizedMessages messages over the maximum message size
 * @param unknownResponses {@code rpc.response}s that matched no pending call
 * @param duplicateRequests requests dropped because their id was still in progress
 * @param handlerFailures RPC handlers that failed with something other than an {@code RpcException}
 */
public record IpcMetrics(
        long subscriberDrops,
        long unpairedDrops,
        long reservedTopicDrops,
        long malformedMessages,
        long oversizedMessages,
        long unknownResponses,
        long duplicateRequests,
        long handlerFailures) {}
