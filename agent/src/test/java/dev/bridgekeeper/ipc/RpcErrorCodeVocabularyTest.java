package dev.bridgekeeper.ipc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.bridgekeeper.protocol.WireRpcError;
import org.junit.jupiter.api.Test;

/** The API enum and the vocabulary's RPC error codes are the same set, with the same numbers and names. */
class RpcErrorCodeVocabularyTest {
    @Test
    void apiEnumMatchesTheVocabulary() {
        assertEquals(WireRpcError.values().length, RpcErrorCode.values().length);
        for (WireRpcError w : WireRpcError.values()) {
            RpcErrorCode api = RpcErrorCode.valueOf(w.name());
            assertEquals(w.code(), api.code(), w.name());
            assertEquals(w.wireName(), api.wireName(), w.name());
        }
    }
}
