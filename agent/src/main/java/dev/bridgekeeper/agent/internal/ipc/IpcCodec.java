package dev.bridgekeeper.agent.internal.ipc;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.bridgekeeper.ipc.RpcErrorCode;
import dev.bridgekeeper.protocol.Limits;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Encodes and decodes the wire form of IPC messages, {@code {"topic": string, "payload": any}}.
 *
 * <p>Decoding is strict where ambiguity could be abused: the bytes must be valid UTF-8 holding
 * exactly one JSON object with no duplicate keys; the topic must be well-formed ({@link
 * Topics#isWellFormed}); every field other than {@code topic} and {@code payload} is ignored (so a
 * sender can never supply a {@code source}). A missing payload reads as JSON null.
 */
public final class IpcCodec {

    /** Why a message could not be decoded: not JSON at all, or JSON of the wrong shape. */
    public static final class MalformedMessageException extends IpcException {
        private static final long serialVersionUID = 1L;
        private final boolean notJson;

        MalformedMessageException(boolean notJson, String message) {
            super(message);
            this.notJson = notJson;
        }

        /** True when the bytes were not valid UTF-8 JSON (parse_error), false for a wrong shape. */
        public boolean notJson() {
            return notJson;
        }
    }

    /** The topic and, for {@code rpc.request}, the request id read from a message. */
    public record Peek(String topic, String requestId) {
        /**
         * The id to answer {@code too_large} with (PROTOCOL.md §4.3): the message is an
         * {@code rpc.request} whose id is valid (1 to 128 characters, decision D1); else null, and
         * the message cannot be answered.
         */
        public String answerableRequestId() {
            return Topics.RPC_REQUEST.equals(topic) && isValidRequestId(requestId) ? requestId : null;
        }
    }

    /** A valid RPC request id: 1 to {@code maxRpcIdChars} characters (PROTOCOL.md §6.5). */
    public static boolean isValidRequestId(String id) {
        return id != null && !id.isEmpty() && id.length() <= Limits.MAX_RPC_ID_CHARS;
    }

    /** What a {@code too_large} answer says, without any of the message. */
    public static String overLimit(long size, long limit) {
        return "message of " + size + " bytes is over the limit of " + limit;
    }

    /**
     * The {@code rpc.response} payload {@code {"id":…,"error":{"code":-32008,"message":…}}}: the one
     * {@code too_large} answer, for a request over the limit and for a result too large to send.
     */
    public static ObjectNode tooLargeResponse(String id, String message) {
        ObjectNode response = JsonNodeFactory.instance.objectNode();
        response.put("id", id);
        ObjectNode error = response.putObject("error");
        error.put("code", RpcErrorCode.TOO_LARGE.code());
        error.put("message", message);
        return response;
    }

    /** String values from this many bytes on are made Strings straight from the message's bytes. */
    static final int LONG_STRING_BYTES = 64 * 1024;

    private final ObjectMapper mapper;
    private final int longStringBytes;

    public IpcCodec(ObjectMapper mapper) {
        this(mapper, LONG_STRING_BYTES);
    }

    /**
     * With another threshold for {@link LongStringReader}: string values of at least this many
     * bytes skip the parser's buffers (tests and the fuzz target take every value out with 0).
     */
    public IpcCodec(ObjectMapper mapper, int longStringBytes) {
        this.mapper = Objects.requireNonNull(mapper, "mapper");
        this.longStringBytes = longStringBytes;
    }

    /** The wire bytes (UTF-8 JSON) of one message. */
    public byte[] encode(String topic, JsonNode payload) {
        ObjectNode node = mapper.createObjectNode();
        node.put("topic", Objects.requireNonNull(topic, "topic"));
        node.set("payload", payload == null ? NullNode.getInstance() : payload);
        try {
            return mapper.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new IpcException("cannot encode IPC message", e);
        }
    }

    /**
     * Decodes one message.
     *
     * @throws MalformedMessageException with {@code notJson()} true for bytes that are not one
     *     valid UTF-8 JSON value, false for JSON that is not a message object with a valid topic
     */
    public WireMessage decode(byte[] plaintext) {
        JsonNode node;
        LongStringReader reader = new LongStringReader(plaintext, longStringBytes,
                mapper.getFactory().streamReadConstraints().getMaxStringLength());
        try (JsonParser parser = new LongStringParser(strictParser(reader), reader)) {
            node = mapper.readTree(parser);
            if (node == null || node.isMissingNode()) {
                throw new MalformedMessageException(true, "message is empty");
            }
            if (parser.nextToken() != null) {
                throw new MalformedMessageException(true, "message has content after the JSON value");
            }
        } catch (IOException e) {
            throw new MalformedMessageException(true, "message is not valid UTF-8 JSON");
        }
        if (!node.isObject()) {
            throw new MalformedMessageException(false, "message is not a JSON object");
        }
        JsonNode topic = node.get("topic");
        if (topic == null || !topic.isTextual() || !Topics.isWellFormed(topic.textValue())) {
            throw new MalformedMessageException(false, "message has no valid topic");
        }
        JsonNode payload = node.get("payload");
        return new WireMessage(topic.textValue(), payload == null ? NullNode.getInstance() : payload);
    }

    /**
     * Reads only the topic and the request id of a message without building it in memory, for
     * answering a message that is too large to decode. Returns nulls for what it cannot find; never
     * throws for bad input.
     */
    public Peek peek(byte[] plaintext) {
        String topic = null;
        String requestId = null;
        try (JsonParser p = strictParser(plaintext)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return new Peek(null, null);
            }
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                if (field.equals("topic") && value == JsonToken.VALUE_STRING) {
                    topic = p.getText();
                } else if (field.equals("payload") && value == JsonToken.START_OBJECT) {
                    while (p.nextToken() == JsonToken.FIELD_NAME) {
                        String inner = p.currentName();
                        JsonToken innerValue = p.nextToken();
                        if (inner.equals("id") && innerValue == JsonToken.VALUE_STRING) {
                            requestId = p.getText();
                        } else {
                            p.skipChildren();
                        }
                    }
                } else {
                    p.skipChildren();
                }
            }
        } catch (IOException | RuntimeException e) {
            // Whatever was found before the damage is still useful.
        }
        return new Peek(topic, requestId);
    }

    private JsonParser strictParser(byte[] bytes) throws IOException {
        // A reader with a REPORTing decoder rejects invalid UTF-8 instead of guessing an encoding.
        return strictParser(new InputStreamReader(new ByteArrayInputStream(bytes), StandardCharsets.UTF_8.newDecoder()));
    }

    private JsonParser strictParser(Reader reader) throws IOException {
        JsonParser parser = mapper.getFactory().createParser(reader);
        parser.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
        return parser;
    }
}
