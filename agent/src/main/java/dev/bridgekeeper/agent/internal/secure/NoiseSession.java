package dev.bridgekeeper.agent.internal.secure;

import dev.bridgekeeper.protocol.EnvelopeErrorCode;
import dev.bridgekeeper.protocol.Envelopes;
import dev.bridgekeeper.protocol.ProtocolViolation;
import dev.bridgekeeper.protocol.Vocabulary;
import dev.bridgekeeper.protocol.WireBase64;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bridgekeeper.agent.internal.ipc.CryptoProvider;
import dev.bridgekeeper.agent.internal.ipc.IpcCodec;
import dev.bridgekeeper.agent.internal.ipc.IpcException;
import dev.bridgekeeper.agent.internal.ipc.Topics;
import dev.bridgekeeper.agent.internal.ipc.WireMessage;
import dev.bridgekeeper.noise.CipherStatePair;
import dev.bridgekeeper.noise.HandshakePattern;
import dev.bridgekeeper.noise.HandshakeState;
import dev.bridgekeeper.noise.NoiseException;
import dev.bridgekeeper.noise.DecryptFailedException;
import java.io.IOException;
import java.util.Arrays;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What both roles share: envelope parsing, the handshake deadline, the secure transport, and
 * failing a connection with an {@code error} envelope. Subclasses drive the handshake steps and the
 * pairing exchange of their role.
 */
abstract class NoiseSession implements CryptoProvider.Session {
    private static final Logger log = LoggerFactory.getLogger(NoiseSession.class);

    final NoiseCryptoProvider provider;
    final CryptoProvider.SessionIo io;
    final IpcCodec codec;
    final Object lock = new Object();
    final HandshakeState handshake;

    /** Set once the handshake is done; from then on IPC messages flow. */
    volatile SecureTransport transport;
    /** What the handshake established; null until it finishes. Under {@link #lock}. */
    private SessionContext context;

    private final Object sendLock = new Object();
    private volatile boolean closed;
    private ScheduledFuture<?> handshakeDeadline;
    private final SecureEnvelopeReader secureReader;

    NoiseSession(NoiseCryptoProvider provider, CryptoProvider.SessionIo io, boolean initiator, String prologueCallerId) {
        this.provider = provider;
        this.io = io;
        this.codec = new IpcCodec(provider.json);
        this.secureReader = new SecureEnvelopeReader(provider.json);
        if (prologueCallerId == null || prologueCallerId.isEmpty()) {
            throw new IllegalStateException("no caller id for the Noise prologue");
        }
        this.handshake = HandshakeState.initialize(HandshakePattern.parse(NoiseCryptoProvider.PROTOCOL_NAME),
                initiator, NoiseCryptoProvider.prologue(prologueCallerId), provider.identity,
                provider.ephemeralKeys == null ? null : provider.ephemeralKeys.get(), null, null, null);
    }

    final String id() {
        return io.info().connectionId();
    }

    /** Arms the handshake deadline and lets the role make its first move. */
    final void start() {
        handshakeDeadline = provider.scheduler.schedule(() -> {
            if (transport == null) {
                fail(EnvelopeErrorCode.HANDSHAKE_FAILED, "the handshake did not finish within " + provider.handshakeTimeout.toSeconds() + " s");
            }
        }, provider.handshakeTimeout.toMillis(), TimeUnit.MILLISECONDS);
        synchronized (lock) {
            onStart();
        }
    }

    /** The role's first move (the initiator sends step 1). Runs under {@link #lock}. */
    abstract void onStart();

    /** A handshake step arrived ({@code message} is the decoded Noise message). Under {@link #lock}. */
    abstract void onHandshake(int step, byte[] message);

    /** A {@code pairing.*} or {@code session.*} message arrived. Under {@link #lock}. */
    abstract void onControl(String topic, JsonNode payload);

    /** The peer said the connection failed (it closes it next). */
    void onPeerError(String code, String message) {}

    /** This session failed with {@code code}; the role may tell its user. */
    void onFailed(String code, String message) {}

    @Override
    public final void onFrame(byte[] frame) {
        if (closed) {
            return;
        }
        if (onSecureFrame(frame)) {
            return;
        }
        JsonNode env;
        try {
            env = provider.json.readTree(frame);
        } catch (IOException e) {
            fail(EnvelopeErrorCode.PROTOCOL_ERROR, "frame is not valid JSON");
            return;
        }
        if (env == null || !env.isObject()) {
            fail(EnvelopeErrorCode.PROTOCOL_ERROR, "frame is not a JSON object");
            return;
        }
        String type = env.path("type").asText("");
        synchronized (lock) {
            if (closed) {
                return;
            }
            try {
                switch (type) {
                    case Vocabulary.TYPE_HANDSHAKE:
                        handleHandshake(env);
                        break;
                    case Vocabulary.TYPE_SECURE:
                        handleSecure(env);
                        break;
                    case Vocabulary.TYPE_ERROR:
                        String code = EnvelopeFields.text(env.get("code"), 64);
                        log.info("connection {}: peer reported error {}", id(), code);
                        onPeerError(code, EnvelopeFields.text(env.get("message"), 500));
                        close();
                        io.close();
                        break;
                    default:
                        fail(EnvelopeErrorCode.PROTOCOL_ERROR, type.isEmpty() ? "envelope has no type"
                                : "unexpected envelope type '" + EnvelopeFields.text(env.get("type"), 32) + "'");
                }
            } catch (ProtocolViolation v) {
                fail(v.code(), v.getMessage());
            }
        }
    }

    private void handleHandshake(JsonNode env) {
        if (transport != null) {
            fail(EnvelopeErrorCode.HANDSHAKE_FAILED, "handshake message after the handshake finished");
            return;
        }
        JsonNode step = env.get("step");
        JsonNode data = env.get("data");
        if (step == null || !step.isInt() || data == null || !data.isTextual()) {
            fail(EnvelopeErrorCode.HANDSHAKE_FAILED, "handshake envelope needs an integer step and base64 data");
            return;
        }
        byte[] message = WireBase64.decodeOrViolation(data.textValue(), EnvelopeErrorCode.HANDSHAKE_FAILED,
                "handshake data is not base64");
        onHandshake(step.intValue(), message);
    }

    private void handleSecure(JsonNode env) {
        SecureTransport t = transport;
        if (t == null) {
            fail(EnvelopeErrorCode.HANDSHAKE_FAILED, "secure message before the handshake finished");
            return;
        }
        JsonNode data = env.get("data");
        JsonNode more = env.get("more");
        if (data == null || !data.isTextual() || (more != null && !more.isBoolean())) {
            fail(EnvelopeErrorCode.PROTOCOL_ERROR, "secure envelope needs base64 data and an optional boolean 'more'");
            return;
        }
        byte[] ciphertext = WireBase64.decodeOrViolation(data.textValue(), EnvelopeErrorCode.PROTOCOL_ERROR,
                "secure data is not base64");
        openLocked(t, ciphertext, ciphertext.length, more != null && more.booleanValue());
    }

    /**
     * The common case: a well-formed {@code secure} envelope read by {@link #secureReader}. Any
     * other frame returns false and takes the general path, which reports it as before.
     */
    private boolean onSecureFrame(byte[] frame) {
        synchronized (lock) {
            if (closed) {
                return true;
            }
            SecureEnvelopeReader.Piece piece = secureReader.read(frame);
            if (piece == null) {
                return false;
            }
            SecureTransport t = transport;
            if (t == null) {
                fail(EnvelopeErrorCode.HANDSHAKE_FAILED, "secure message before the handshake finished");
                return true;
            }
            openLocked(t, secureReader.ciphertext(), piece.length(), piece.more());
        }
        return true;
    }

    /** Opens one piece and hands on what it completes. Under {@link #lock}. */
    private void openLocked(SecureTransport t, byte[] ciphertext, int length, boolean more) {
        SecureTransport.Received r;
        try {
            r = t.open(ciphertext, 0, length, more);
        } catch (DecryptFailedException e) {
            fail(EnvelopeErrorCode.DECRYPT_FAILED, "a secure message failed to decrypt (tampered, replayed, reordered or dropped)");
            return;
        }
        if (r instanceof SecureTransport.Message m) {
            dispatch(m.plaintext());
        } else if (r instanceof SecureTransport.Oversize o) {
            answerOversize(o);
        }
    }

    private void dispatch(byte[] plaintext) {
        IpcCodec.Peek peek = codec.peek(plaintext);
        String topic = peek.topic();
        if (topic != null && Topics.isCryptoProviderTopic(topic)) {
            WireMessage m;
            try {
                m = codec.decode(plaintext);
            } catch (IpcCodec.MalformedMessageException e) {
                fail(EnvelopeErrorCode.PROTOCOL_ERROR, "malformed " + topic + " message");
                return;
            }
            onControl(m.topic(), m.payload());
            return;
        }
        io.deliver(plaintext);
        Arrays.fill(plaintext, (byte) 0);
    }

    /** PROTOCOL.md §4: a request over the limit gets {@code too_large}; anything else closes. */
    private void answerOversize(SecureTransport.Oversize o) {
        String requestId = codec.peek(o.prefix()).answerableRequestId();
        String overLimit = IpcCodec.overLimit(o.size(), io.maxMessageSize());
        if (requestId != null) {
            log.warn("connection {}: request of {} bytes over the limit of {}; answered too_large",
                    id(), o.size(), io.maxMessageSize());
            sendIpc(Topics.RPC_RESPONSE, IpcCodec.tooLargeResponse(requestId, overLimit));
        } else {
            fail(EnvelopeErrorCode.PROTOCOL_ERROR, overLimit);
        }
    }

    /** Completes the handshake: splits, and keeps what pairing needs. Under {@link #lock}. */
    final void finishHandshake(boolean initiator, HandshakePayload peer) {
        context = new SessionContext(handshake.getRemoteStaticPublicKey(), handshake.getHandshakeHash(),
                peer.name(), peer.version());
        CipherStatePair pair = handshake.split();
        transport = new SecureTransport(pair.sender(initiator), pair.receiver(initiator), io.maxMessageSize());
        if (handshakeDeadline != null) {
            handshakeDeadline.cancel(false);
        }
    }

    /** What the finished handshake established; null before. */
    final SessionContext context() {
        return context;
    }

    /** Reads a handshake message; false (after failing the connection) if it does not verify. */
    final byte[] readHandshake(int step, byte[] message) {
        try {
            return handshake.readMessage(message);
        } catch (NoiseException e) {
            fail(EnvelopeErrorCode.HANDSHAKE_FAILED, "handshake step " + step + " did not verify");
            return null;
        }
    }

    final void sendHandshake(int step, byte[] payload) {
        byte[] message;
        try {
            message = handshake.writeMessage(payload);
        } catch (NoiseException e) {
            fail(EnvelopeErrorCode.HANDSHAKE_FAILED, "could not write handshake step " + step);
            return;
        }
        ObjectNode env = provider.json.createObjectNode();
        env.put("type", Vocabulary.TYPE_HANDSHAKE);
        env.put("step", step);
        env.put("data", WireBase64.encode(message));
        sendFrame(env);
    }

    /** This side's handshake payload: {@code {"name","version","protocol":1}}. */
    final byte[] ownPayload() {
        return HandshakePayload.encode(provider.json, provider.name, provider.version);
    }

    /** The peer's handshake payload, or null (after failing) if it is unfit. */
    final HandshakePayload acceptPeerPayload(byte[] payload) {
        try {
            return HandshakePayload.decode(provider.json, payload);
        } catch (ProtocolViolation v) {
            fail(v.code(), v.getMessage());
            return null;
        }
    }

    /** Sends one IPC message of this session's own (pairing, session) through the secure channel. */
    final void sendIpc(String topic, JsonNode payload) {
        sendPlaintext(codec.encode(topic, payload));
    }

    @Override
    public final void send(byte[] plaintext) {
        if (closed) {
            throw new IpcException("the secure session is closed");
        }
        if (transport == null) {
            throw new IpcException("the secure session is not established yet");
        }
        sendPlaintext(plaintext);
    }

    private void sendPlaintext(byte[] plaintext) {
        try {
            // Seal and send under one lock: nonces must reach the wire in the order they were used.
            synchronized (sendLock) {
                for (byte[] frame : transport.seal(plaintext)) {
                    io.sendFrame(frame);
                }
            }
        } finally {
            Arrays.fill(plaintext, (byte) 0);
        }
    }

    private void sendFrame(ObjectNode envelope) {
        try {
            io.sendFrame(provider.json.writeValueAsBytes(envelope));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Fails the connection: an {@code error} envelope (best effort), then close. Idempotent. */
    final void fail(EnvelopeErrorCode code, String message) {
        synchronized (lock) {
            failLocked(code, message);
        }
    }

    private void failLocked(EnvelopeErrorCode code, String message) {
        if (closed) {
            return;
        }
        log.info("connection {}: {} ({})", id(), code.wireName(), message);
        try {
            io.sendFrame(Envelopes.errorBytes(code, message));
        } catch (RuntimeException gone) {
            // The connection may already be broken; it is closed either way.
        }
        onFailed(code.wireName(), message);
        close();
        io.close();
    }

    final boolean isClosed() {
        return closed;
    }

    @Override
    public void close() {
        synchronized (lock) {
            closeLocked();
        }
    }

    /** Subclasses release what they hold (an approval in progress); called once, under {@link #lock}. */
    void onClose() {}

    private void closeLocked() {
        if (closed) {
            return;
        }
        closed = true;
        onClose();
        if (handshakeDeadline != null) {
            handshakeDeadline.cancel(false);
        }
        synchronized (sendLock) {
            SecureTransport t = transport;
            if (t != null) {
                t.destroy();
            }
        }
        handshake.destroy();
    }
}
