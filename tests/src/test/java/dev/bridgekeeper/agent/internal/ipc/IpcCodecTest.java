package dev.bridgekeeper.agent.internal.ipc;

import static dev.bridgekeeper.agent.internal.ipc.IpcTestKit.json;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class IpcCodecTest {
    private final IpcCodec codec = new IpcCodec(new ObjectMapper());

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void encodesExactlyTopicAndPayload() {
        assertArrayEquals(utf8("{\"topic\":\"a.b\",\"payload\":{\"x\":[1,\"é\"]}}"),
                codec.encode("a.b", json("{\"x\":[1,\"é\"]}")));
        assertArrayEquals(utf8("{\"topic\":\"a\",\"payload\":null}"), codec.encode("a", null));
    }

    @Test
    void decodesAndIgnoresEveryOtherFieldIncludingASenderSource() {
        WireMessage m = codec.decode(utf8("{\"source\":{\"callerId\":\"x\"},\"topic\":\"t\",\"payload\":[1],\"extra\":2}"));
        assertEquals(new WireMessage("t", json("[1]")), m);
        assertEquals(NullNode.getInstance(), codec.decode(utf8("{\"topic\":\"t\"}")).payload());
    }

    @Test
    void rejectsWhatIsNotOneUtf8JsonValueAsParseErrors() {
        for (byte[] bad : new byte[][] {
                utf8(""), utf8("   "), utf8("{"), utf8("{\"topic\":\"t\"} {}"), utf8("{\"topic\":\"t\",\"topic\":\"u\"}"),
                {'{', '"', 't', 'o', 'p', 'i', 'c', '"', ':', '"', (byte) 0xFF, '"', '}'},
                "{\"topic\":\"t\"}".getBytes(StandardCharsets.UTF_16LE)}) {
            IpcCodec.MalformedMessageException e =
                    assertThrows(IpcCodec.MalformedMessageException.class, () -> codec.decode(bad));
            assertTrue(e.notJson(), e.getMessage());
        }
    }

    @Test
    void rejectsJsonOfTheWrongShapeAsInvalid() {
        for (String bad : new String[] {"[]", "\"t\"", "42", "{\"payload\":1}", "{\"topic\":5}", "{\"topic\":\"\"}",
                "{\"topic\":\"with space\"}"}) {
            IpcCodec.MalformedMessageException e =
                    assertThrows(IpcCodec.MalformedMessageException.class, () -> codec.decode(utf8(bad)));
            assertFalse(e.notJson(), bad);
        }
    }

    @Test
    void peekFindsTopicAndRequestIdInAnyOrderAndSurvivesDamage() {
        assertEquals(new IpcCodec.Peek("rpc.request", "7"),
                codec.peek(utf8("{\"payload\":{\"params\":{\"id\":\"inner\"},\"id\":\"7\"},\"topic\":\"rpc.request\"}")));
        assertEquals(new IpcCodec.Peek("ev", null), codec.peek(utf8("{\"topic\":\"ev\",\"payload\":[1]}")));
        IpcCodec.Peek cut = codec.peek(utf8("{\"topic\":\"rpc.request\",\"payload\":{\"id\":\"9\",\"params\":{\"a\":"));
        assertEquals(new IpcCodec.Peek("rpc.request", "9"), cut);
        IpcCodec.Peek garbage = codec.peek(utf8("not json"));
        assertNull(garbage.topic());
        assertNull(garbage.requestId());
    }
}
