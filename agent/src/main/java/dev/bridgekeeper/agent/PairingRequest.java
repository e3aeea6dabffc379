package dev.bridgekeeper.agent;

import dev.bridgekeeper.agent.internal.secure.PairingCodes;

/**
 * What the desktop's user is asked to approve (PROTOCOL.md §5 step 5): the extension's own name
 * and version (from its handshake payload, so chosen by it), the caller id the browser vouched
 * for, and the code the extension shows at the same time.
 *
 * @param connectionId   the connection asking (for logs and the pairing CLI)
 * @param extensionName  the name the extension gave; untrusted text, show it as such
 * @param extensionVersion the version the extension gave
 * @param callerId       {@code chrome-extension://<id>/} or {@code moz-extension:<id>}
 * @param code           the six-digit code, formatted {@code 042 917}
 * @param keyFingerprint SHA-256 fingerprint of the extension's static key (hex)
 */
public record PairingRequest(String connectionId, String extensionName, String extensionVersion,
        String callerId, String code, String keyFingerprint) {

    /** The code as a number, for comparing with what a person typed. */
    public int codeValue() {
        return PairingCodes.parse(code);
    }
}
