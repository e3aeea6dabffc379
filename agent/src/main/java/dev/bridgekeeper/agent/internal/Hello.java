package dev.bridgekeeper.agent.internal;

import dev.bridgekeeper.protocol.Limits;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * The first frame on an agent socket, checked: a host announcing an extension (PROTOCOL.md §2
 * {@code hello}) or the bridgekeeper CLI asking for an admin session.
 */
public sealed interface Hello permits Hello.Extension, Hello.Admin {

    /** A host's hello. {@code parentWindow} is -1 when the browser gave none. */
    record Extension(String browser, String callerId, long hostPid, long parentWindow) implements Hello {}

    /** {@code {"type":"admin","protocol":1}} from the CLI (same OS user, like every peer). */
    record Admin() implements Hello {}

    /** Longest caller id accepted: a Chromium origin is 52 characters, a Firefox id at most 255 + 14. */
    int MAX_CALLER_ID = Limits.MAX_CALLER_ID_CHARS;

    /**
     * Parses and validates a first frame.
     *
     * @throws IllegalArgumentException with a message fit for an {@code error/protocol_error}
     */
    static Hello parse(JsonNode n) {
        if (n == null || !n.isObject()) {
            throw new IllegalArgumentException("the first frame must be a hello object");
        }
        String type = n.path("type").asText("");
        if (!n.path("protocol").isInt() || n.get("protocol").intValue() != dev.bridgekeeper.protocol.Version.PROTOCOL) {
            throw new IllegalArgumentException("hello must say protocol " + dev.bridgekeeper.protocol.Version.PROTOCOL);
        }
        if (type.equals("admin")) {
            return new Admin();
        }
        if (!type.equals("hello")) {
            throw new IllegalArgumentException("the first frame must be a hello");
        }
        JsonNode caller = n.path("caller");
        String browser = caller.path("browser").asText("");
        if (!browser.equals("chromium") && !browser.equals("firefox")) {
            throw new IllegalArgumentException("hello.caller.browser must be chromium or firefox");
        }
        JsonNode id = caller.get("id");
        if (id == null || !id.isTextual() || id.textValue().isEmpty() || id.textValue().length() > MAX_CALLER_ID
                || id.textValue().chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException("hello.caller.id must be a caller id");
        }
        JsonNode pid = n.path("host").path("pid");
        JsonNode parent = caller.get("parentWindow");
        long parentWindow = parent != null && parent.canConvertToLong() && parent.asLong() >= 0 ? parent.asLong() : -1;
        return new Extension(browser, id.textValue(), pid.canConvertToLong() ? pid.asLong() : -1, parentWindow);
    }
}
