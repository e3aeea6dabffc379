package dev.bridgekeeper.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bridgekeeper.testing.InMemoryHub;
import dev.bridgekeeper.agent.internal.ipc.IpcClient;
import dev.bridgekeeper.agent.internal.ipc.JsonLimits;
import dev.bridgekeeper.testing.NoEncryptionCryptoProvider;
import dev.bridgekeeper.agent.internal.ipc.Topics;
import dev.bridgekeeper.ipc.RpcErrorCode;
import dev.bridgekeeper.ipc.RpcException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * RPC request parsing (PROTOCOL.md §6): an {@link IpcClient} (NoEncryption over an in-memory hub,
 * so frames are the plaintext IPC messages) fed arbitrary frames and {@code rpc.request} payloads
 * on a fresh connection per input. A model written from the protocol predicts the answers: every
 * request gets exactly one {@code rpc.response} (the one documented exception: a request reusing
 * the id of one still in progress is dropped), unreadable ones with {@code "id": null}, every error
 * code is one of the table's, and no answer carries a stack trace, an exception name or what a
 * handler's exception said.
 */
class RpcRequestFuzzTest {
    private static final int MAX_MESSAGE = 4096;
    private static final String SECRET = "SECRET-in-exception-message";
    private static final String[] METHODS = {"fuzz.echo", "fuzz.fail", "fuzz.async", "fuzz.refuse", "ipc.discover",
            "fuzz.absent", "", " bad", "a".repeat(201)};
    private static final Set<String> REGISTERED = Set.of("fuzz.echo", "fuzz.fail", "fuzz.async", "fuzz.refuse",
            "ipc.discover");
    private static final Set<Integer> CODES = Arrays.stream(RpcErrorCode.values()).map(RpcErrorCode::code)
            .collect(java.util.stream.Collectors.toSet());
    /** Reads frames under the same limits as the client (they are part of what "valid JSON" means here). */
    private static final ObjectMapper STRICT = JsonLimits.mapper(MAX_MESSAGE);

    private static InMemoryHub hub;
    private static IpcClient desktop;

    @BeforeAll
    static void startDesktop() throws IOException {
        hub = new InMemoryHub();
        desktop = IpcClient.builder().backend(hub.desktop()).cryptoProvider(new NoEncryptionCryptoProvider())
                .maxMessageSize(MAX_MESSAGE).maxConcurrentRequests(8).defaultDeadline(Duration.ofSeconds(5))
                .identity("fuzz-desktop", "1.0.0").build();
        desktop.register("fuzz.echo", (params, ctx) -> params);
        desktop.register("fuzz.fail", (params, ctx) -> {
            throw new IllegalStateException(SECRET);
        });
        desktop.register("fuzz.async", (params, ctx) -> CompletableFuture.supplyAsync(() -> params));
        desktop.register("fuzz.refuse", (params, ctx) -> {
            throw new RpcException(RpcErrorCode.INVALID_PARAMS, "refused");
        });
        desktop.start();
    }

    @AfterAll
    static void stopDesktop() {
        desktop.close();
        hub.close();
    }

    /** What the model expects for the requests with one id (or with none, under the key null). */
    private static final class Expected {
        int answeredAtOnce;   // refused during validation: always answered
        int dispatched;       // handed to a handler: answered, unless its id was still in progress
        JsonNode echoParams;  // for a single echo request: the result it must return
        boolean echo;
    }

    @FuzzTest
    void everyRequestGetsOneCleanAnswer(FuzzedDataProvider d) {
        Map<String, Expected> expected = new HashMap<>();
        StringBuilder sentText = new StringBuilder();
        try (RecordingPeer peer = RecordingPeer.connect(hub, FixedKeys.CALLER)) {
            for (int n = d.consumeInt(1, 12); n > 0 && d.remainingBytes() > 0; n--) {
                byte[] frame = frame(d);
                if (frame.length == 0 || frame.length > MAX_MESSAGE) {
                    continue; // Empty frames never leave a real backend; oversize is its own test.
                }
                expect(frame, expected);
                sentText.append(new String(frame, StandardCharsets.UTF_8));
                assertTrue(peer.send(frame), "the desktop closed the connection over a frame within the limit");
            }
            String sentinel = "sentinel";
            peer.send(Envelopes.ipc(Topics.RPC_REQUEST,
                    Envelopes.json("{\"id\":\"" + sentinel + "\",\"method\":\"ipc.discover\"}")));
            expected.computeIfAbsent(sentinel, k -> new Expected()).dispatched++;
            check(peer, expected, sentText.toString());
            assertFalse(peer.isClosed(), "the desktop closed a connection that broke no limit");
        }
    }

    /** One frame: raw bytes, a request with an arbitrary payload, a structured request, a cancel or an event. */
    private static byte[] frame(FuzzedDataProvider d) {
        switch (d.consumeInt(0, 5)) {
            case 0:
                return d.consumeBytes(d.consumeInt(1, 300));
            case 1: {
                ObjectNode m = JsonNodeFactory.instance.objectNode().put("topic", Topics.RPC_REQUEST);
                FuzzJson.put(m, "payload", FuzzJson.value(d, 0));
                return Envelopes.bytes(m);
            }
            case 2:
                return Envelopes.ipc(Topics.RPC_CANCEL, JsonNodeFactory.instance.objectNode().put("id", id(d)));
            case 3:
                return Envelopes.ipc(d.consumeBoolean() ? "app.event" : d.consumeString(20), FuzzJson.value(d, 0));
            default: {
                ObjectNode p = JsonNodeFactory.instance.objectNode();
                FuzzJson.put(p, "id", d.consumeInt(0, 3) > 0 ? JsonNodeFactory.instance.textNode(id(d)) : FuzzJson.value(d, 0));
                FuzzJson.put(p, "method", d.consumeInt(0, 3) > 0
                        ? JsonNodeFactory.instance.textNode(METHODS[d.consumeInt(0, METHODS.length - 1)])
                        : FuzzJson.value(d, 0));
                FuzzJson.put(p, "params", FuzzJson.value(d, 0));
                return Envelopes.ipc(Topics.RPC_REQUEST, p);
            }
        }
    }

    private static String id(FuzzedDataProvider d) {
        return d.consumeBoolean() ? "r" + d.consumeInt(0, 3) : d.consumeString(140);
    }

    /** The model: what the desktop must answer to this frame. */
    private static void expect(byte[] frame, Map<String, Expected> expected) {
        JsonNode message = strictParse(frame);
        if (message == null) {
            expected.computeIfAbsent(null, k -> new Expected()).answeredAtOnce++; // parse_error
            return;
        }
        JsonNode topic = message.get("topic");
        if (!message.isObject() || topic == null || !topic.isTextual() || !Topics.isWellFormed(topic.textValue())) {
            expected.computeIfAbsent(null, k -> new Expected()).answeredAtOnce++; // invalid_request
            return;
        }
        if (!topic.textValue().equals(Topics.RPC_REQUEST)) {
            return; // Events, cancels, responses and reserved topics are never answered.
        }
        JsonNode payload = message.get("payload");
        JsonNode idNode = payload == null ? null : payload.get("id");
        String id = idNode != null && idNode.isTextual() && !idNode.textValue().isEmpty()
                && idNode.textValue().length() <= 128 ? idNode.textValue() : null;
        if (payload == null || !payload.isObject() || id == null) {
            expected.computeIfAbsent(null, k -> new Expected()).answeredAtOnce++;
            return;
        }
        Expected e = expected.computeIfAbsent(id, k -> new Expected());
        JsonNode method = payload.get("method");
        JsonNode params = payload.get("params");
        boolean paramsOk = params == null || params.isNull() || params.isObject();
        if (method == null || !method.isTextual() || !Topics.isWellFormed(method.textValue())
                || method.textValue().length() > 200 || !paramsOk || !REGISTERED.contains(method.textValue())) {
            e.answeredAtOnce++;
            return;
        }
        e.dispatched++;
        e.echo = method.textValue().equals("fuzz.echo") && e.dispatched + e.answeredAtOnce == 1;
        e.echoParams = params == null || params.isNull() ? null : params;
    }

    /** Strict JSON as PROTOCOL.md §6 reads it: valid UTF-8, one value, no duplicate keys; null if not. */
    private static JsonNode strictParse(byte[] frame) {
        if (!FrameReaderFuzzTest.isUtf8(frame)) {
            return null;
        }
        try (JsonParser p = STRICT.getFactory().createParser(new String(frame, StandardCharsets.UTF_8))) {
            p.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
            JsonNode n = STRICT.readTree(p);
            if (n == null || n.isMissingNode() || p.nextToken() != null) {
                return null;
            }
            return n;
        } catch (IOException e) {
            return null;
        }
    }

    /** Reads answers until the model is satisfied, then checks counts, codes and contents. */
    private static void check(RecordingPeer peer, Map<String, Expected> expected, String sentText) {
        Map<String, Integer> got = new HashMap<>();
        List<JsonNode> answers = new ArrayList<>();
        while (!satisfied(expected, got)) {
            byte[] frame = peer.next();
            assertNotNull(frame, "missing answers: expected " + describe(expected) + ", got " + got);
            JsonNode m = Envelopes.parse(frame);
            String text = new String(frame, StandardCharsets.UTF_8);
            assertEquals(Topics.RPC_RESPONSE, m.path("topic").asText(), "the desktop sent " + text);
            JsonNode payload = m.path("payload");
            assertTrue(payload.has("id"), "response without id: " + text);
            String id = payload.get("id").isNull() ? null : payload.get("id").asText();
            assertTrue(payload.has("result") != payload.has("error"), "needs exactly one of result and error: " + text);
            if (payload.has("error")) {
                JsonNode error = payload.get("error");
                assertTrue(error.path("code").isInt() && CODES.contains(error.get("code").intValue()),
                        "undocumented error code: " + text);
                String message = error.path("message").asText("");
                for (String internal : new String[] {SECRET, "Exception", "\tat ", "java."}) {
                    // Quoting the peer's own method name back is fine; anything else with these is a leak.
                    assertFalse(message.contains(internal) && !sentText.contains(internal),
                            "an answer leaks internals: " + text);
                }
            } else {
                Expected e = expected.get(id);
                assertTrue(e != null && e.dispatched > 0, "a result for a request that was never valid: " + text);
                if (e.echo) {
                    assertEquals(e.echoParams == null ? JsonNodeFactory.instance.nullNode() : e.echoParams,
                            payload.get("result"), "echo changed its params");
                }
            }
            got.merge(id, 1, Integer::sum);
            answers.add(m);
        }
        for (Map.Entry<String, Integer> g : got.entrySet()) {
            Expected e = expected.get(g.getKey());
            assertNotNull(e, "an answer to a request never made: " + g.getKey());
            assertTrue(g.getValue() <= e.answeredAtOnce + e.dispatched,
                    "more answers than requests for id " + g.getKey() + ": " + g.getValue());
        }
    }

    /** Every request answered at once has its answer, and every id with dispatched requests at least one. */
    private static boolean satisfied(Map<String, Expected> expected, Map<String, Integer> got) {
        for (Map.Entry<String, Expected> e : expected.entrySet()) {
            int min = e.getValue().answeredAtOnce + (e.getValue().dispatched > 0 ? 1 : 0);
            if (got.getOrDefault(e.getKey(), 0) < min) {
                return false;
            }
        }
        return true;
    }

    private static String describe(Map<String, Expected> expected) {
        StringBuilder b = new StringBuilder();
        expected.forEach((id, e) -> b.append(id).append(": ").append(e.answeredAtOnce).append('+').append(e.dispatched).append("; "));
        return b.toString();
    }
}
