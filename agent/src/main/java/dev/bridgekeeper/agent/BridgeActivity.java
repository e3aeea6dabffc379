package dev.bridgekeeper.agent;

import java.time.Instant;
import java.util.Objects;

/**
 * Something that happened on a {@link DesktopBridge}, for an application's activity view or audit
 * log: connections, pairings and calls. It names things (caller ids, extension names, method names,
 * error codes) and never carries payloads, codes or keys.
 *
 * @param at           when it happened
 * @param kind         what happened
 * @param connectionId the connection it happened on
 * @param callerId     the caller id the browser vouched for
 * @param subject      for {@link Kind#PAIRING_REQUESTED} and {@link Kind#READY} the name the
 *                     extension gave (untrusted text); for {@link Kind#CALL} the method; otherwise null
 * @param outcome      for {@link Kind#PAIRING_ANSWERED} {@code approved}, {@code rejected} or
 *                     {@code cancelled} (timed out, or the extension went away); for
 *                     {@link Kind#CALL} {@code ok} or the protocol's error code; otherwise null
 */
public record BridgeActivity(Instant at, Kind kind, String connectionId, String callerId, String subject,
        String outcome) {

    /** What happened. */
    public enum Kind {
        /** An allowed extension's host connected (not paired yet). */
        CONNECTED,
        /** An extension asked to pair; the user is being asked. */
        PAIRING_REQUESTED,
        /** The pairing request got its answer. */
        PAIRING_ANSWERED,
        /** The session is ready: a new pairing was saved, or a known extension came back. */
        READY,
        /** A call from the extension was answered. */
        CALL,
        /** The connection closed. */
        DISCONNECTED
    }

    public BridgeActivity {
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(connectionId, "connectionId");
    }
}
