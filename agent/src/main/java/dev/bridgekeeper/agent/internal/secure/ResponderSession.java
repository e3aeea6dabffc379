package dev.bridgekeeper.agent.internal.secure;

import dev.bridgekeeper.agent.PairingRequest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bridgekeeper.agent.internal.ipc.CryptoProvider;
import dev.bridgekeeper.agent.internal.ipc.PairingRecord;
import java.time.Duration;
import java.time.Instant;
import dev.bridgekeeper.protocol.EnvelopeErrorCode;
import dev.bridgekeeper.protocol.WireBase64;
import dev.bridgekeeper.protocol.WireTopics;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The desktop's side of one connection: answers the XX handshake, then either recognises the
 * extension's key (→ {@code session.ready}) or runs first-contact pairing (PROTOCOL.md §5).
 */
final class ResponderSession extends NoiseSession {
    private static final Logger log = LoggerFactory.getLogger(ResponderSession.class);

    private enum State { HANDSHAKE_STEP_1, HANDSHAKE_STEP_3, AWAIT_NONCE, AWAIT_APPROVAL, READY, DONE }

    /** How stale a pairing's last-seen time may get before a handshake rewrites it. */
    static final Duration LAST_SEEN_RESOLUTION = Duration.ofHours(1);

    private State state = State.HANDSHAKE_STEP_1;
    private byte[] desktopNonce;
    private ScheduledFuture<?> pairingDeadline;
    private CompletableFuture<Boolean> approval;

    ResponderSession(NoiseCryptoProvider provider, CryptoProvider.SessionIo io) {
        super(provider, io, false, io.info().callerId());
        provider.liveSessions.add(this);
    }

    /** If this session's peer has this key fingerprint: {@code pairing.revoked}, then close. */
    boolean revokeIfKey(String keyFingerprint) {
        synchronized (lock) {
            if (isClosed() || context() == null || !context().peerFingerprint().equals(keyFingerprint)) {
                return false;
            }
            log.info("connection {}: pairing revoked; disconnecting", id());
            if (state == State.READY) {
                sendIpc(WireTopics.PAIRING_REVOKED, provider.json.createObjectNode());
            }
            state = State.DONE;
            close();
            io.close();
            return true;
        }
    }

    @Override
    void onStart() {
        // The extension moves first.
    }

    @Override
    void onHandshake(int step, byte[] message) {
        int expected = state == State.HANDSHAKE_STEP_1 ? 1 : state == State.HANDSHAKE_STEP_3 ? 3 : -1;
        if (step != expected) {
            fail(EnvelopeErrorCode.HANDSHAKE_FAILED, "handshake step " + step + " out of order (expected " + expected + ")");
            return;
        }
        byte[] payload = readHandshake(step, message);
        if (payload == null) {
            return;
        }
        if (step == 1) {
            if (payload.length != 0) {
                fail(EnvelopeErrorCode.HANDSHAKE_FAILED, "handshake step 1 must carry no payload");
                return;
            }
            state = State.HANDSHAKE_STEP_3;
            sendHandshake(2, ownPayload());
            return;
        }
        HandshakePayload extension = acceptPeerPayload(payload);
        if (extension == null) {
            return;
        }
        finishHandshake(false, extension);
        Optional<PairingRecord> known = io.sessions().findByKey(context().peerStaticKey());
        if (known.isPresent()) {
            recordSeen(known.get());
            becomeReady();
        } else {
            startPairing();
        }
    }

    /**
     * Records when a paired extension was last seen, to the hour: every save rewrites and syncs the
     * whole store, so writing it on every handshake would serialise a reconnect storm (all
     * extensions after an agent restart) behind one disk sync each.
     */
    private void recordSeen(PairingRecord r) {
        Instant now = provider.clock.instant();
        Instant last = r.lastSeen();
        if (last != null && !now.isBefore(last)
                && Duration.between(last, now).compareTo(LAST_SEEN_RESOLUTION) < 0) {
            return; // A clock that went back (last in the future) gets the time corrected below.
        }
        try {
            io.sessions().save(r.withLastSeen(now));
        } catch (RuntimeException e) {
            // Only a timestamp: the pairing itself is intact, so the session goes on.
            log.warn("connection {}: could not record when pairing {} was last seen: {}", id(), r.id(), e.getMessage());
        }
    }

    private void startPairing() {
        if (!provider.pairingLimiter.tryAcquire()) {
            fail(EnvelopeErrorCode.PAIRING_REJECTED, "too many pairing attempts; wait a minute and try again");
            return;
        }
        log.info("connection {}: unknown extension '{}' ({}), pairing", id(), context().peerName(),
                context().peerFingerprint().substring(0, 16));
        desktopNonce = new byte[PairingCodes.NONCE_BYTES];
        provider.random.nextBytes(desktopNonce);
        state = State.AWAIT_NONCE;
        pairingDeadline = provider.scheduler.schedule(this::pairingTimedOut, provider.pairingTimeout.toMillis(), TimeUnit.MILLISECONDS);
        ObjectNode commit = provider.json.createObjectNode();
        commit.put("commitment", WireBase64.encode(PairingCodes.commitment(desktopNonce)));
        sendIpc(WireTopics.PAIRING_COMMIT, commit);
    }

    @Override
    void onControl(String topic, JsonNode payload) {
        if (!topic.equals(WireTopics.PAIRING_NONCE) || state != State.AWAIT_NONCE) {
            fail(EnvelopeErrorCode.PROTOCOL_ERROR, "unexpected '" + topic + "' in this state of the session");
            return;
        }
        byte[] extensionNonce = EnvelopeFields.decodeBase64(payload.get("nonce"), PairingCodes.NONCE_BYTES);
        if (extensionNonce == null) {
            fail(EnvelopeErrorCode.PROTOCOL_ERROR, "pairing.nonce must carry 32 bytes of base64");
            return;
        }
        state = State.AWAIT_APPROVAL;
        ObjectNode reveal = provider.json.createObjectNode();
        reveal.put("nonce", WireBase64.encode(desktopNonce));
        sendIpc(WireTopics.PAIRING_REVEAL, reveal);
        String code = PairingCodes.format(PairingCodes.code(context().handshakeHash(), extensionNonce, desktopNonce));
        PairingRequest request = new PairingRequest(id(), context().peerName(), context().peerVersion(),
                io.info().callerId(), code, context().peerFingerprint());
        CompletableFuture<Boolean> answer;
        try {
            answer = provider.approver.approve(request);
        } catch (RuntimeException e) {
            log.warn("connection {}: the pairing approver failed: {}", id(), e.toString());
            answer = CompletableFuture.completedFuture(false);
        }
        approval = answer;
        answer.whenComplete((approved, error) -> onAnswer(Boolean.TRUE.equals(approved) && error == null));
    }

    private void onAnswer(boolean approved) {
        synchronized (lock) {
            if (state != State.AWAIT_APPROVAL || isClosed()) {
                return;
            }
            state = approved ? State.READY : State.DONE;
            pairingDeadline.cancel(false);
            ObjectNode complete = provider.json.createObjectNode();
            if (!approved) {
                complete.put("approved", false);
                sendIpc(WireTopics.PAIRING_COMPLETE, complete);
                fail(EnvelopeErrorCode.PAIRING_REJECTED, "the desktop's user did not approve the pairing");
                return;
            }
            PairingRecord record = new PairingRecord(HexFormat.of().formatHex(AtomicFiles.randomBytes(8)),
                    context().peerName(), io.info().callerId(), context().peerStaticKey(), provider.clock.instant(),
                    provider.clock.instant());
            try {
                io.sessions().save(record);
            } catch (RuntimeException e) {
                log.error("connection {}: could not save the approved pairing: {}", id(), e.getMessage());
                complete.put("approved", false);
                sendIpc(WireTopics.PAIRING_COMPLETE, complete);
                fail(EnvelopeErrorCode.INTERNAL, "the desktop could not save the pairing (is its disk full?)");
                return;
            }
            log.info("connection {}: paired extension '{}' as {}", id(), context().peerName(), record.id());
            complete.put("approved", true);
            sendIpc(WireTopics.PAIRING_COMPLETE, complete);
            becomeReady();
        }
    }

    private void pairingTimedOut() {
        synchronized (lock) {
            if ((state != State.AWAIT_NONCE && state != State.AWAIT_APPROVAL) || isClosed()) {
                return;
            }
            state = State.DONE;
            ObjectNode complete = provider.json.createObjectNode();
            complete.put("approved", false);
            sendIpc(WireTopics.PAIRING_COMPLETE, complete);
            fail(EnvelopeErrorCode.PAIRING_REJECTED, "no answer to the pairing within " + provider.pairingTimeout.toSeconds() + " s");
        }
    }

    private void becomeReady() {
        state = State.READY;
        ObjectNode ready = provider.json.createObjectNode();
        ready.put("paired", true);
        sendIpc(WireTopics.SESSION_READY, ready);
        io.ready(context().peerIdentity());
    }

    @Override
    void onClose() {
        provider.liveSessions.remove(this);
        if (pairingDeadline != null) {
            pairingDeadline.cancel(false);
        }
        CompletableFuture<Boolean> a = approval;
        if (a != null && !a.isDone()) {
            a.cancel(false); // Lets a dialog waiting on it close itself.
        }
    }
}
