package dev.bridgekeeper.host;

import dev.bridgekeeper.protocol.EnvelopeErrorCode;
import dev.bridgekeeper.protocol.Envelopes;
import dev.bridgekeeper.protocol.Version;
import dev.bridgekeeper.protocol.Vocabulary;

/**
 * The JSON objects the host writes itself, built by hand: the host must not load a JSON library
 * (start-up time). {@code hello} is the host's own; {@code status} and {@code error} come from the
 * protocol module's {@link Envelopes}, which the agent uses too.
 */
final class JsonText {
    private JsonText() {}

    /** The {@code hello} envelope, the first frame on every socket connection. */
    static String hello(CallerId caller, long pid) {
        StringBuilder b = new StringBuilder(200);
        b.append("{\"type\":\"" + Vocabulary.TYPE_HELLO + "\",\"protocol\":").append(Version.PROTOCOL)
                .append(",\"host\":{\"version\":");
        quote(Version.VERSION, b);
        b.append(",\"pid\":").append(pid).append("},\"caller\":{\"browser\":");
        quote(caller.browser(), b);
        b.append(",\"id\":");
        quote(caller.id(), b);
        if (caller.parentWindow() >= 0) {
            b.append(",\"parentWindow\":").append(caller.parentWindow());
        }
        return b.append("}}").toString();
    }

    /** A {@code status} envelope; {@code detail} may be null. */
    static String status(String state, String detail) {
        return Envelopes.status(state, detail);
    }

    /** An {@code error} envelope (a code this side does not know is written as {@code internal}). */
    static String error(String code, String message) {
        return Envelopes.error(EnvelopeErrorCode.fromWire(code), message);
    }

    private static void quote(String s, StringBuilder b) {
        Envelopes.quote(s, b);
    }
}
