package dev.bridgekeeper.agent.internal.secure;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bridgekeeper.agent.internal.ipc.CryptoProvider;
import dev.bridgekeeper.agent.internal.ipc.PairingRecord;
import dev.bridgekeeper.agent.internal.ipc.SessionRepository;
import dev.bridgekeeper.protocol.EnvelopeErrorCode;
import dev.bridgekeeper.protocol.WireBase64;
import dev.bridgekeeper.protocol.WireTopics;
import java.util.List;

/**
 * The extension's side of one connection (the Java twin of the sample extension's client): starts
 * the XX handshake, checks the desktop's key against the one pinned at pairing, and takes part in
 * first-contact pairing, verifying the desktop's commitment before it shows the code.
 *
 * <p>The pin lives in the initiator's {@link SessionRepository} as the one record it holds.
 */
final class InitiatorSession extends NoiseSession {
    /** Code reported when the desktop's key differs from the pinned one. */
    static final String IDENTITY_CHANGED = "desktop_identity_changed";
    private static final String IDENTITY_CHANGED_MESSAGE = "desktop identity changed";

    private enum State { HANDSHAKE_STEP_2, AWAIT_READY_OR_COMMIT, AWAIT_REVEAL, AWAIT_COMPLETE, AWAIT_READY, READY }

    private State state = State.HANDSHAKE_STEP_2;
    private byte[] commitment;
    private byte[] extensionNonce;

    InitiatorSession(NoiseCryptoProvider provider, CryptoProvider.SessionIo io) {
        super(provider, io, true, provider.ownCallerId);
    }

    @Override
    void onStart() {
        sendHandshake(1, new byte[0]);
    }

    @Override
    void onHandshake(int step, byte[] message) {
        if (step != 2 || state != State.HANDSHAKE_STEP_2) {
            fail(EnvelopeErrorCode.HANDSHAKE_FAILED, "handshake step " + step + " out of order (expected 2)");
            return;
        }
        byte[] payload = readHandshake(step, message);
        HandshakePayload desktop = payload == null ? null : acceptPeerPayload(payload);
        if (desktop == null) {
            return;
        }
        byte[] desktopKey = handshake.getRemoteStaticPublicKey();
        SessionRepository pins = io.sessions();
        if (!pins.list().isEmpty() && pins.findByKey(desktopKey).isEmpty()) {
            provider.listener.failed(IDENTITY_CHANGED, "desktop identity changed: its key is not the one pinned at pairing");
            fail(EnvelopeErrorCode.HANDSHAKE_FAILED, IDENTITY_CHANGED_MESSAGE);
            return;
        }
        sendHandshake(3, ownPayload());
        finishHandshake(true, desktop);
        state = State.AWAIT_READY_OR_COMMIT;
    }

    @Override
    void onControl(String topic, JsonNode payload) {
        switch (topic) {
            case WireTopics.PAIRING_COMMIT:
                if (state != State.AWAIT_READY_OR_COMMIT) {
                    break;
                }
                commitment = EnvelopeFields.decodeBase64(payload.get("commitment"), 32);
                if (commitment == null) {
                    fail(EnvelopeErrorCode.PROTOCOL_ERROR, "pairing.commit must carry a 32-byte commitment");
                    return;
                }
                extensionNonce = new byte[PairingCodes.NONCE_BYTES];
                provider.random.nextBytes(extensionNonce);
                state = State.AWAIT_REVEAL;
                ObjectNode nonce = provider.json.createObjectNode();
                nonce.put("nonce", WireBase64.encode(extensionNonce));
                sendIpc(WireTopics.PAIRING_NONCE, nonce);
                return;
            case WireTopics.PAIRING_REVEAL:
                if (state != State.AWAIT_REVEAL) {
                    break;
                }
                byte[] desktopNonce = EnvelopeFields.decodeBase64(payload.get("nonce"), PairingCodes.NONCE_BYTES);
                if (desktopNonce == null || !PairingCodes.opens(commitment, desktopNonce)) {
                    fail(EnvelopeErrorCode.PAIRING_REJECTED, "pairing reveal does not match the commitment");
                    return;
                }
                state = State.AWAIT_COMPLETE;
                provider.listener.pairingCode(PairingCodes.format(PairingCodes.code(context().handshakeHash(), extensionNonce, desktopNonce)));
                return;
            case WireTopics.PAIRING_COMPLETE:
                if (state != State.AWAIT_COMPLETE) {
                    break;
                }
                if (!payload.path("approved").asBoolean(false)) {
                    // The desktop follows with error/pairing_rejected and closes.
                    state = State.AWAIT_READY;
                    return;
                }
                pin();
                state = State.AWAIT_READY;
                return;
            case WireTopics.SESSION_READY:
                if (state != State.AWAIT_READY && state != State.AWAIT_READY_OR_COMMIT) {
                    break;
                }
                if (state == State.AWAIT_READY_OR_COMMIT && io.sessions().list().isEmpty()) {
                    pin(); // The desktop knows us from an earlier pairing whose pin we no longer hold.
                }
                state = State.READY;
                io.ready(context().peerIdentity());
                provider.listener.ready(context().peerName(), context().peerVersion());
                return;
            case WireTopics.PAIRING_REVOKED:
                if (state != State.READY) {
                    break;
                }
                // The desktop closes the connection next; pairing again needs the user.
                provider.listener.failed("pairing_revoked", "the desktop revoked this extension's pairing");
                return;
            default:
                break;
        }
        fail(EnvelopeErrorCode.PROTOCOL_ERROR, "unexpected '" + topic + "' in this state of the session");
    }

    private void pin() {
        SessionRepository pins = io.sessions();
        for (PairingRecord old : List.copyOf(pins.list())) {
            pins.remove(old.id());
        }
        pins.save(new PairingRecord("desktop", context().peerName(), provider.ownCallerId, context().peerStaticKey(),
                provider.clock.instant(),
                provider.clock.instant()));
    }

    @Override
    void onPeerError(String code, String message) {
        provider.listener.failed(code, message);
    }

    @Override
    void onFailed(String code, String message) {
        // An identity change was already reported under its own code.
        if (!message.equals(IDENTITY_CHANGED_MESSAGE)) {
            provider.listener.failed(code, message);
        }
    }
}
