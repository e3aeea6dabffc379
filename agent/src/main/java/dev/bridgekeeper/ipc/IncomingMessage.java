package dev.bridgekeeper.ipc;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;

/**
 * A received application message.
 *
 * @param topic the message's topic
 * @param payload its JSON payload (JSON null when absent); treat as read-only
 * @param source who sent it, as the receiving side established
 */
public record IncomingMessage(String topic, JsonNode payload, Source source) {

    public IncomingMessage {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(payload, "payload");
        Objects.requireNonNull(source, "source");
    }
}
