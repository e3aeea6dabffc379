package dev.bridgekeeper.agent.internal.ipc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bridgekeeper.ipc.Endpoint;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The outbound path of an {@link IpcClient}: encoding under the message size limit, and sending
 * to one connection or fanning an event out to every ready one.
 */
final class OutboundPath {
    private static final Logger log = LoggerFactory.getLogger(IpcClient.class);

    private final ConnectionTable connections;
    private final IpcCodec codec;
    private final int maxMessageSize;

    OutboundPath(ConnectionTable connections, IpcCodec codec, int maxMessageSize) {
        this.connections = connections;
        this.codec = codec;
        this.maxMessageSize = maxMessageSize;
    }

    /** Sends one message to a connection (RPC requests, responses and cancels). */
    void sendTo(String connectionId, String topic, ObjectNode payload) {
        IpcConnection c = connections.get(connectionId);
        if (c == null) {
            throw new IpcException("connection " + connectionId + " is closed");
        }
        c.send(encode(topic, payload));
    }

    /** Publishes an event; see {@link IpcClient#publish(String, Object, Endpoint)}. */
    int publish(OutgoingMessage message) {
        byte[] bytes = encode(message.topic(), message.payload());
        if (message.destination() instanceof Endpoint.All) {
            int sent = 0;
            for (IpcConnection c : connections.all()) {
                if (c.isReady()) {
                    try {
                        c.send(bytes.clone());
                        sent++;
                    } catch (IpcException e) {
                        log.debug("event '{}' not sent to {}: {}", message.topic(), c.id(), e.getMessage());
                    }
                }
            }
            return sent;
        }
        IpcConnection c = connections.resolve(message.destination());
        if (c == null) {
            throw new IpcException("no connection to " + message.destination());
        }
        if (!c.isReady()) {
            throw new IpcException(message.destination() + " is not paired yet");
        }
        c.send(bytes);
        return 1;
    }

    /** A payload as a JSON tree: null as JSON null, a tree as it is, anything else through Jackson. */
    static JsonNode tree(ObjectMapper mapper, Object payload) {
        if (payload == null) {
            return NullNode.getInstance();
        }
        return payload instanceof JsonNode node ? node : mapper.valueToTree(payload);
    }

    private byte[] encode(String topic, JsonNode payload) {
        byte[] bytes = codec.encode(topic, payload);
        if (bytes.length > maxMessageSize) {
            throw new MessageTooLargeException(bytes.length, maxMessageSize);
        }
        return bytes;
    }
}
