package dev.bridgekeeper.noise;

import dev.bridgekeeper.noise.HandshakePattern.MessagePattern;
import dev.bridgekeeper.noise.HandshakePattern.Token;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The Noise HandshakeState (spec section 5.3): runs any {@link HandshakePattern} token by token,
 * for one party.
 *
 * <p>Usage: {@link #initialize} once, then alternate {@link #writeMessage} and
 * {@link #readMessage} as the pattern dictates ({@link #isWriteTurn()} says whose turn it is).
 * When {@link #isComplete()} turns true, take the transport ciphers with {@link #split()}.
 *
 * <p>Every call either succeeds or leaves the state exactly as it was: a message that is out of
 * turn, too short, too long, fails to decrypt or carries a low-order public key throws
 * {@link NoiseException} and changes nothing. The caller should still treat the handshake as
 * failed and {@link #destroy()} it.
 *
 * <p>Key ownership: the static key pair {@code s} stays the caller's (never destroyed here). The
 * ephemeral key pair is generated from {@link SecureRandom} at the "e" token and destroyed when the
 * handshake completes; tests may pass a fixed one instead (test vectors).
 *
 * <p>Not thread-safe.
 */
public final class HandshakeState {

    private static final int DH_LENGTH = KeyPair.KEY_LENGTH;

    private final HandshakePattern pattern;
    private final boolean initiator;
    private final SymmetricState symmetric;
    private final KeyPair s;
    private final List<byte[]> psks;
    private final boolean pskHandshake;
    private KeyPair e;
    private byte[] rs;
    private byte[] re;
    private int pskIndex;
    private int messageIndex;
    private CipherStatePair transport;
    private boolean transportTaken;
    private boolean destroyed;

    private HandshakeState(HandshakePattern pattern, boolean initiator, KeyPair s, KeyPair e, byte[] rs,
            byte[] re, List<byte[]> psks) {
        this.pattern = pattern;
        this.initiator = initiator;
        this.s = s;
        this.e = e;
        this.rs = rs;
        this.re = re;
        this.psks = psks;
        this.pskHandshake = pattern.pskCount() > 0;
        this.symmetric = SymmetricState.initializeSymmetric(pattern.protocolName());
    }

    /**
     * Initialize(handshake_pattern, initiator, prologue, s, e, rs, re) plus the pre-shared keys.
     *
     * @param pattern the handshake pattern, e.g. {@code HandshakePattern.parse("Noise_XX_25519_AESGCM_SHA256")}
     * @param initiator true for the party that sends the first message
     * @param prologue bytes both parties must agree on (null means empty); a mismatch makes the
     *     first encrypted message fail to decrypt
     * @param s the local static key pair; required exactly when the pattern uses it
     * @param e null in production (a fresh ephemeral key is generated); a fixed key pair only for
     *     test vectors. Required if the pattern has the local "e" in a pre-message
     * @param rs the peer's static public key, required exactly when the pattern has it in a
     *     pre-message (e.g. the responder's key in NK, IK)
     * @param re the peer's ephemeral public key, required exactly when it is in a pre-message
     * @param psks one 32-byte pre-shared key per "psk" token, in order; null or empty if none
     * @throws IllegalArgumentException if a key is missing, superfluous, destroyed or of the wrong size
     */
    public static HandshakeState initialize(HandshakePattern pattern, boolean initiator, byte[] prologue,
            KeyPair s, KeyPair e, byte[] rs, byte[] re, List<byte[]> psks) {
        Objects.requireNonNull(pattern, "pattern");
        checkKeys(pattern, initiator, s, e, rs, re);
        List<byte[]> pskCopies = copyPsks(pattern, psks);
        HandshakeState state = new HandshakeState(pattern, initiator, s, e,
                rs == null ? null : rs.clone(), re == null ? null : re.clone(), pskCopies);
        state.symmetric.mixHash(prologue == null ? new byte[0] : prologue);
        // Pre-message keys are hashed in, initiator's first (spec 5.3 Initialize, 9.2 for psk).
        state.mixPreMessage(true);
        state.mixPreMessage(false);
        return state;
    }

    /**
     * WriteMessage(payload): produces the next handshake message.
     *
     * @param payload the message payload (null means empty); encrypted if a key has been mixed in
     * @return the handshake message to send
     * @throws IllegalStateException if it is the peer's turn, the handshake is complete, or this
     *     state was destroyed
     * @throws IllegalArgumentException if the message would exceed 65,535 bytes
     * @throws NoiseException if the peer's public key is a low-order point (state unchanged)
     */
    public byte[] writeMessage(byte[] payload) throws NoiseException {
        checkNotDestroyed();
        if (isComplete()) {
            throw new IllegalStateException("handshake already complete");
        }
        MessagePattern message = pattern.messages().get(messageIndex);
        if (message.fromInitiator() != initiator) {
            throw new IllegalStateException("not our turn: handshake message " + (messageIndex + 1)
                    + " of " + pattern.name() + " comes from the peer");
        }
        byte[] body = payload == null ? new byte[0] : payload;
        int length = messageLength(message, body.length);
        if (length > CipherState.MAX_MESSAGE_LENGTH) {
            throw new IllegalArgumentException("handshake message would be " + length + " bytes, over the "
                    + CipherState.MAX_MESSAGE_LENGTH + "-byte limit");
        }
        byte[] out = new byte[length];
        Rollback rollback = new Rollback();
        try {
            int pos = 0;
            for (Token token : message.tokens()) {
                switch (token) {
                    case E -> {
                        if (e == null) {
                            e = KeyPair.generate(DefaultRandom.INSTANCE);
                        }
                        System.arraycopy(e.publicKeyView(), 0, out, pos, DH_LENGTH);
                        pos += DH_LENGTH;
                        mixEphemeral(e.publicKeyView());
                    }
                    case S -> pos += symmetric.encryptAndHash(s.publicKeyView(), 0, DH_LENGTH, out, pos);
                    case PSK -> symmetric.mixKeyAndHash(psks.get(pskIndex++));
                    default -> mixDh(token);
                }
            }
            pos += symmetric.encryptAndHash(body, 0, body.length, out, pos);
            if (pos != length) {
                throw new IllegalStateException("message length " + pos + " differs from the planned " + length);
            }
            advance();
            rollback.commit();
            return out;
        } finally {
            rollback.close();
        }
    }

    /**
     * ReadMessage(message): processes the peer's next handshake message.
     *
     * @return the decrypted payload
     * @throws NoiseException if the message is out of turn (or after completion), shorter than its
     *     tokens need, longer than 65,535 bytes, carries a low-order public key, or fails to
     *     decrypt ({@link DecryptFailedException}); the state is unchanged
     * @throws IllegalStateException if this state was destroyed
     */
    public byte[] readMessage(byte[] message) throws NoiseException {
        Objects.requireNonNull(message, "message");
        checkNotDestroyed();
        if (isComplete()) {
            throw new NoiseException("unexpected handshake message: the handshake is already complete");
        }
        MessagePattern expected = pattern.messages().get(messageIndex);
        if (expected.fromInitiator() == initiator) {
            throw new NoiseException("handshake message out of turn: message " + (messageIndex + 1)
                    + " of " + pattern.name() + " is ours to send");
        }
        if (message.length > CipherState.MAX_MESSAGE_LENGTH) {
            throw new NoiseException("handshake message of " + message.length + " bytes is over the "
                    + CipherState.MAX_MESSAGE_LENGTH + "-byte limit");
        }
        int minimum = messageLength(expected, 0);
        if (message.length < minimum) {
            throw new NoiseException("handshake message " + (messageIndex + 1) + " is too short: "
                    + message.length + " bytes, at least " + minimum + " needed");
        }
        Rollback rollback = new Rollback();
        try {
            int pos = 0;
            for (Token token : expected.tokens()) {
                switch (token) {
                    case E -> {
                        re = Arrays.copyOfRange(message, pos, pos + DH_LENGTH);
                        pos += DH_LENGTH;
                        mixEphemeral(re);
                    }
                    case S -> {
                        int sealed = DH_LENGTH + (symmetric.hasKey() ? CipherState.TAG_LENGTH : 0);
                        rs = symmetric.decryptAndHash(message, pos, sealed);
                        pos += sealed;
                    }
                    case PSK -> symmetric.mixKeyAndHash(psks.get(pskIndex++));
                    default -> mixDh(token);
                }
            }
            byte[] payload = symmetric.decryptAndHash(message, pos, message.length - pos);
            advance();
            rollback.commit();
            return payload;
        } finally {
            rollback.close();
        }
    }

    /** True once every message of the pattern has been written or read. */
    public boolean isComplete() {
        return messageIndex == pattern.messages().size();
    }

    /** True if the next step is ours to write (false when complete or waiting for the peer). */
    public boolean isWriteTurn() {
        return !isComplete() && pattern.messages().get(messageIndex).fromInitiator() == initiator;
    }

    /** How many handshake messages have been written or read so far. */
    public int messageIndex() {
        return messageIndex;
    }

    /** True for the initiator. */
    public boolean isInitiator() {
        return initiator;
    }

    /** The pattern this handshake runs. */
    public HandshakePattern pattern() {
        return pattern;
    }

    /**
     * The result of Split() once the handshake is complete: first initiator-to-responder, second
     * responder-to-initiator. Ownership passes to the caller, so it can be taken only once.
     *
     * @throws IllegalStateException if the handshake is not complete or the ciphers were taken
     */
    public CipherStatePair split() {
        checkNotDestroyed();
        if (!isComplete()) {
            throw new IllegalStateException("handshake not complete");
        }
        if (transportTaken) {
            throw new IllegalStateException("transport ciphers were already taken");
        }
        transportTaken = true;
        CipherStatePair result = transport;
        transport = null;
        return result;
    }

    /**
     * GetHandshakeHash(): {@code h}, which binds everything sent so far; after completion it
     * identifies this session (channel binding, pairing codes).
     */
    public byte[] getHandshakeHash() {
        return symmetric.getHandshakeHash();
    }

    /** The peer's static public key once known (pre-message or received), else null. */
    public byte[] getRemoteStaticPublicKey() {
        return rs == null ? null : rs.clone();
    }

    /**
     * Zeroes the chaining key, the handshake key, the ephemeral private key, the pre-shared keys
     * and any transport ciphers not yet taken. The static key pair is left alone.
     */
    public void destroy() {
        if (destroyed) {
            return;
        }
        destroyed = true;
        symmetric.destroy();
        if (e != null) {
            e.destroy();
        }
        wipePsks();
        if (transport != null) {
            transport.destroy();
            transport = null;
        }
    }

    // ---- token processing ----

    private void mixPreMessage(boolean ofInitiator) {
        boolean local = ofInitiator == initiator;
        for (Token token : pattern.preMessage(ofInitiator)) {
            byte[] publicKey = switch (token) {
                case E -> local ? e.publicKeyView() : re;
                case S -> local ? s.publicKeyView() : rs;
                default -> throw new IllegalStateException("token " + token + " in a pre-message");
            };
            if (token == Token.E) {
                mixEphemeral(publicKey);
            } else {
                symmetric.mixHash(publicKey);
            }
        }
    }

    /** "e": MixHash, and in a psk handshake also MixKey (spec 9.2). */
    private void mixEphemeral(byte[] publicKey) {
        symmetric.mixHash(publicKey);
        if (pskHandshake) {
            symmetric.mixKey(publicKey);
        }
    }

    /** "ee", "es", "se", "ss": MixKey(DH(...)), choosing the keys by role as spec 5.3 lists. */
    private void mixDh(Token token) throws NoiseException {
        KeyPair local;
        byte[] remote;
        switch (token) {
            case EE -> {
                local = e;
                remote = re;
            }
            case ES -> {
                local = initiator ? e : s;
                remote = initiator ? rs : re;
            }
            case SE -> {
                local = initiator ? s : e;
                remote = initiator ? re : rs;
            }
            case SS -> {
                local = s;
                remote = rs;
            }
            default -> throw new IllegalStateException("not a DH token: " + token);
        }
        if (local == null || remote == null) {
            throw new IllegalStateException("pattern " + pattern.name() + " reaches '" + token.text()
                    + "' without both keys");
        }
        byte[] shared = new byte[DH_LENGTH];
        try {
            local.dh(remote, shared, 0);
            symmetric.mixKey(shared);
        } finally {
            Arrays.fill(shared, (byte) 0);
        }
    }

    /**
     * The exact length of a message with a payload of {@code payloadLength} bytes, from the state
     * before it: tokens and payload get a tag once a key is in play.
     */
    private int messageLength(MessagePattern message, int payloadLength) {
        boolean keyed = symmetric.hasKey();
        int length = 0;
        for (Token token : message.tokens()) {
            switch (token) {
                case E -> {
                    length += DH_LENGTH;
                    keyed |= pskHandshake;
                }
                case S -> length += DH_LENGTH + (keyed ? CipherState.TAG_LENGTH : 0);
                default -> keyed = true;
            }
        }
        return length + payloadLength + (keyed ? CipherState.TAG_LENGTH : 0);
    }

    private void advance() {
        messageIndex++;
        if (isComplete()) {
            transport = symmetric.split();
            // The handshake's secrets are not needed any more; h stays readable.
            symmetric.destroy();
            if (e != null) {
                e.destroy();
            }
            wipePsks();
        }
    }

    private void wipePsks() {
        for (byte[] psk : psks) {
            Arrays.fill(psk, (byte) 0);
        }
    }

    private void checkNotDestroyed() {
        if (destroyed) {
            throw new IllegalStateException("handshake state has been destroyed");
        }
    }

    /** Saves what a message step changes and puts it back unless the step commits. */
    private final class Rollback {
        private final SymmetricState.Snapshot saved = symmetric.snapshot();
        private final KeyPair savedE = e;
        private final byte[] savedRs = rs;
        private final byte[] savedRe = re;
        private final int savedPskIndex = pskIndex;
        private boolean committed;

        void commit() {
            committed = true;
        }

        void close() {
            if (!committed) {
                symmetric.restore(saved);
                if (e != savedE) {
                    e.destroy();
                    e = savedE;
                }
                rs = savedRs;
                re = savedRe;
                pskIndex = savedPskIndex;
            }
            saved.wipe();
        }
    }

    // ---- argument checks ----

    private static void checkKeys(HandshakePattern pattern, boolean initiator, KeyPair s, KeyPair e, byte[] rs,
            byte[] re) {
        boolean localStaticUsed = pattern.preMessage(initiator).contains(Token.S)
                || sends(pattern, initiator, Token.S);
        boolean localEphemeralPre = pattern.preMessage(initiator).contains(Token.E);
        boolean localEphemeralSent = sends(pattern, initiator, Token.E);
        boolean remoteStaticPre = pattern.preMessage(!initiator).contains(Token.S);
        boolean remoteEphemeralPre = pattern.preMessage(!initiator).contains(Token.E);
        String role = initiator ? "initiator" : "responder";

        if (localStaticUsed && s == null) {
            throw new IllegalArgumentException(pattern.name() + " " + role + " needs a static key pair");
        }
        if (!localStaticUsed && s != null) {
            throw new IllegalArgumentException(pattern.name() + " " + role + " uses no static key pair");
        }
        if (s != null && s.isDestroyed()) {
            throw new IllegalArgumentException("static key pair has been destroyed");
        }
        if (localEphemeralPre && e == null) {
            throw new IllegalArgumentException(pattern.name() + " " + role + " needs its ephemeral key pair");
        }
        if (e != null && !localEphemeralPre && !localEphemeralSent) {
            throw new IllegalArgumentException(pattern.name() + " " + role + " sends no ephemeral key");
        }
        if (e != null && e.isDestroyed()) {
            throw new IllegalArgumentException("ephemeral key pair has been destroyed");
        }
        checkRemoteKey(pattern, role, "static", rs, remoteStaticPre);
        checkRemoteKey(pattern, role, "ephemeral", re, remoteEphemeralPre);
    }

    private static void checkRemoteKey(HandshakePattern pattern, String role, String kind, byte[] key,
            boolean inPreMessage) {
        if (inPreMessage && key == null) {
            throw new IllegalArgumentException(pattern.name() + " " + role + " needs the peer's " + kind
                    + " public key in advance");
        }
        if (!inPreMessage && key != null) {
            throw new IllegalArgumentException(pattern.name() + " " + role + " must not be given the peer's "
                    + kind + " public key: it is not a pre-message");
        }
        if (key != null && key.length != DH_LENGTH) {
            throw new IllegalArgumentException("peer's " + kind + " public key must be " + DH_LENGTH
                    + " bytes, got " + key.length);
        }
    }

    private static boolean sends(HandshakePattern pattern, boolean initiator, Token token) {
        return pattern.messages().stream()
                .anyMatch(m -> m.fromInitiator() == initiator && m.tokens().contains(token));
    }

    private static List<byte[]> copyPsks(HandshakePattern pattern, List<byte[]> psks) {
        List<byte[]> given = psks == null ? List.of() : psks;
        if (given.size() != pattern.pskCount()) {
            throw new IllegalArgumentException(pattern.name() + " needs " + pattern.pskCount()
                    + " pre-shared keys, got " + given.size());
        }
        List<byte[]> copies = new ArrayList<>(given.size());
        for (byte[] psk : given) {
            Objects.requireNonNull(psk, "psk");
            if (psk.length != 32) {
                throw new IllegalArgumentException("pre-shared key must be 32 bytes, got " + psk.length);
            }
            copies.add(psk.clone());
        }
        return copies;
    }

    /** One SecureRandom for all handshakes, created on first use. */
    private static final class DefaultRandom {
        static final SecureRandom INSTANCE = new SecureRandom();
    }
}
