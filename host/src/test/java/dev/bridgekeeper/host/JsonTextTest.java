package dev.bridgekeeper.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class JsonTextTest {
    private final ObjectMapper json = new ObjectMapper();

    @Test
    void helloIsTheEnvelopeOfProtocolMd() throws Exception {
        JsonNode n = json.readTree(JsonText.hello(
                new CallerId("chromium", "chrome-extension://ehcmijlhbioomifbjmghlpklegfgldmf/", 42), 777));
        assertEquals("hello", n.get("type").asText());
        assertEquals(1, n.get("protocol").asInt());
        assertEquals(777, n.get("host").get("pid").asLong());
        assertEquals("chromium", n.get("caller").get("browser").asText());
        assertEquals("chrome-extension://ehcmijlhbioomifbjmghlpklegfgldmf/", n.get("caller").get("id").asText());
        assertEquals(42, n.get("caller").get("parentWindow").asLong());
        JsonNode firefox = json.readTree(JsonText.hello(new CallerId("firefox", "moz-extension:a@b.c", -1), 1));
        assertFalse(firefox.get("caller").has("parentWindow"));
    }

    @Test
    void everyAwkwardCharacterSurvivesEscaping() throws Exception {
        String nasty = "q\"b\\s/\n\r\t\b\f\u0000\u001f\u007f\u2028\u2029é漢😀\ud800x";
        JsonNode n = json.readTree(JsonText.status("desktop_unavailable", nasty));
        // A lone surrogate cannot be UTF-8; it is escaped and comes back as the same char.
        assertEquals(nasty, n.get("detail").asText());
        assertEquals("status", n.get("type").asText());
        JsonNode e = json.readTree(JsonText.error("protocol_error", "bad \"frame\""));
        assertEquals("bad \"frame\"", e.get("message").asText());
    }
}
