package dev.bridgekeeper.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bridgekeeper.agent.internal.ipc.IpcCodec;
import dev.bridgekeeper.agent.internal.ipc.JsonLimits;

/**
 * IPC decoding with long string values taken out of the parser's way (every value, here) against
 * the parser alone: any bytes decode to the same message, or are refused the same way. Guards the
 * reader that stands in for long values, which sees every byte a peer sends.
 */
class LongStringFuzzTest {
    private static final ObjectMapper MAPPER = JsonLimits.mapper(4096);
    private static final IpcCodec EVERY_VALUE = new IpcCodec(MAPPER, 0);
    private static final IpcCodec PARSER_ALONE = new IpcCodec(MAPPER, Integer.MAX_VALUE);

    @FuzzTest
    void takingLongValuesOutChangesNoOutcome(byte[] message) {
        assertEquals(outcome(PARSER_ALONE, message), outcome(EVERY_VALUE, message));
    }

    private static Object outcome(IpcCodec codec, byte[] message) {
        try {
            return codec.decode(message);
        } catch (IpcCodec.MalformedMessageException e) {
            return "refused, notJson=" + e.notJson();
        }
    }
}
