package dev.bridgekeeper.agent.internal.rpc;

import dev.bridgekeeper.ipc.RpcErrorCode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SemanticVersionTest {

    @Test
    void parsesPlainVersionsOnly() {
        assertEquals(new SemanticVersion(1, 20, 3), SemanticVersion.parse("1.20.3"));
        assertEquals("0.0.0", SemanticVersion.parse("0.0.0").toString());
        for (String bad : new String[] {"1.0", "1.0.0.0", "01.0.0", "1.0.0-beta", "v1.0.0", " 1.0.0", "", "1.x.0",
                "9999999999.0.0"}) {
            assertThrows(IllegalArgumentException.class, () -> SemanticVersion.parse(bad), bad);
        }
        assertThrows(IllegalArgumentException.class, () -> SemanticVersion.parse(null));
    }

    @Test
    void aPeerSatisfiesWithTheSameMajorAndAtLeastTheMinor() {
        SemanticVersion need = SemanticVersion.parse("1.2.5");
        assertTrue(SemanticVersion.parse("1.2.0").satisfies(need)); // patch does not matter
        assertTrue(SemanticVersion.parse("1.3.0").satisfies(need));
        assertFalse(SemanticVersion.parse("1.1.9").satisfies(need));
        assertFalse(SemanticVersion.parse("2.2.5").satisfies(need));
        assertFalse(SemanticVersion.parse("0.9.0").satisfies(need));
        assertTrue(SemanticVersion.parse("1.10.0").compareTo(SemanticVersion.parse("1.9.0")) > 0);
    }

    @Test
    void errorCodesMatchTheProtocolTable() {
        assertEquals(-32700, RpcErrorCode.PARSE_ERROR.code());
        assertEquals(-32008, RpcErrorCode.TOO_LARGE.code());
        assertEquals("not_paired", RpcErrorCode.NOT_PAIRED.wireName());
        assertEquals(RpcErrorCode.VERSION_MISMATCH, RpcErrorCode.fromCode(-32006).orElseThrow());
        assertTrue(RpcErrorCode.fromCode(1).isEmpty());
        assertEquals(14, RpcErrorCode.values().length);
    }
}
