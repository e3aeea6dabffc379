package dev.bridgekeeper.agent.internal.ipc;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;

/**
 * The wire form of an IPC message, {@code {"topic": string, "payload": any}}: what a {@link
 * CryptoProvider} carries as plaintext. Any other field (such as a sender-made {@code source}) is
 * dropped when decoding.
 */
public record WireMessage(String topic, JsonNode payload) {

    public WireMessage {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(payload, "payload");
    }
}
