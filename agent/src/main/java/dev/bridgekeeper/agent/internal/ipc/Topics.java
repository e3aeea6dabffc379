package dev.bridgekeeper.agent.internal.ipc;

import dev.bridgekeeper.protocol.Limits;
import dev.bridgekeeper.protocol.WireTopics;
import java.util.Objects;

/**
 * Topic names: validation and the reserved set of PROTOCOL.md §6.
 *
 * <p>{@code rpc.request}, {@code rpc.response} and {@code rpc.cancel} carry RPC and belong to the
 * {@link IpcClient}; {@code pairing.*} and {@code session.*} belong to the {@link CryptoProvider}'s
 * session. Applications may neither publish nor subscribe to any of them.
 */
public final class Topics {
    private Topics() {}

    public static final String RPC_REQUEST = WireTopics.RPC_REQUEST;
    public static final String RPC_RESPONSE = WireTopics.RPC_RESPONSE;
    public static final String RPC_CANCEL = WireTopics.RPC_CANCEL;
    /** Prefix of the pairing messages of PROTOCOL.md §5. */
    public static final String PAIRING_PREFIX = WireTopics.PAIRING_PREFIX;
    /** Prefix of session control messages such as {@code session.ready}. */
    public static final String SESSION_PREFIX = WireTopics.SESSION_PREFIX;

    /** Events the desktop sends every paired connection when its key vault locks or unlocks. */
    public static final String DESKTOP_LOCKED = WireTopics.DESKTOP_LOCKED;
    public static final String DESKTOP_UNLOCKED = WireTopics.DESKTOP_UNLOCKED;

    /** Longest topic accepted, in characters. */
    public static final int MAX_LENGTH = Limits.MAX_TOPIC_CHARS;

    /** True for a topic applications may not use. */
    public static boolean isReserved(String topic) {
        return topic.equals(RPC_REQUEST) || topic.equals(RPC_RESPONSE) || topic.equals(RPC_CANCEL)
                || isCryptoProviderTopic(topic);
    }

    /** True for {@code pairing.*} and {@code session.*}: messages a crypto session handles itself. */
    public static boolean isCryptoProviderTopic(String topic) {
        return topic.startsWith(PAIRING_PREFIX) || topic.startsWith(SESSION_PREFIX);
    }

    /** True when the text is a well-formed topic: 1 to 200 printable ASCII characters, no spaces. */
    public static boolean isWellFormed(String topic) {
        if (topic == null || topic.isEmpty() || topic.length() > MAX_LENGTH) {
            return false;
        }
        for (int i = 0; i < topic.length(); i++) {
            char c = topic.charAt(i);
            if (c <= 0x20 || c >= 0x7f) {
                return false;
            }
        }
        return true;
    }

    /**
     * Returns the topic if an application may publish or subscribe to it.
     *
     * @throws IllegalArgumentException if it is malformed or reserved
     */
    public static String requireApplicationTopic(String topic) {
        Objects.requireNonNull(topic, "topic");
        if (!isWellFormed(topic)) {
            throw new IllegalArgumentException(
                    "topic must have 1 to " + MAX_LENGTH + " printable ASCII characters without spaces");
        }
        if (isReserved(topic)) {
            throw new IllegalArgumentException("topic '" + topic
                    + "' is reserved (rpc.request, rpc.response, rpc.cancel, pairing.*, session.*); "
                    + "use call()/register() for RPC");
        }
        return topic;
    }
}
