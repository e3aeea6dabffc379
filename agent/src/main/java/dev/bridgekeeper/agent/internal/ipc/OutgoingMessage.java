package dev.bridgekeeper.agent.internal.ipc;

import dev.bridgekeeper.ipc.Endpoint;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import java.util.Objects;

/**
 * An application message to send: a topic, a JSON payload and a destination.
 *
 * @param topic an application topic (not reserved, see {@link Topics})
 * @param payload any JSON; null is sent as JSON null
 * @param destination one endpoint or {@link Endpoint#all()}
 */
public record OutgoingMessage(String topic, JsonNode payload, Endpoint destination) {

    public OutgoingMessage {
        Topics.requireApplicationTopic(topic);
        payload = payload == null ? NullNode.getInstance() : payload;
        Objects.requireNonNull(destination, "destination");
    }
}
