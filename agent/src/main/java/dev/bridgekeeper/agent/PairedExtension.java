package dev.bridgekeeper.agent;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * An extension the desktop's user approved.
 *
 * @param id             stable id of the pairing (what {@link Pairings#revoke} takes)
 * @param name           the name the extension gave when it paired; untrusted text, show it as such
 * @param callerId       the caller id the browser vouched for ({@code chrome-extension://<id>/} or
 *                       {@code moz-extension:<id>})
 * @param keyFingerprint SHA-256 fingerprint of the extension's static key (hex)
 * @param paired         when the user approved it
 * @param lastSeen       when a session with it last became ready (to the hour), if ever since pairing
 */
public record PairedExtension(String id, String name, String callerId, String keyFingerprint, Instant paired,
        Optional<Instant> lastSeen) {
    public PairedExtension {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(callerId, "callerId");
        Objects.requireNonNull(keyFingerprint, "keyFingerprint");
        Objects.requireNonNull(paired, "paired");
        Objects.requireNonNull(lastSeen, "lastSeen");
    }
}
