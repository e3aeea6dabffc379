package dev.bridgekeeper.noise;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Noise handshake pattern (spec section 7) with its "pskN" modifiers (section 9), parsed from a
 * full protocol name such as {@code Noise_XX_25519_AESGCM_SHA256} (section 8).
 *
 * <p>Knows the one-way patterns (7.4), the interactive fundamental patterns (7.5) and the deferred
 * patterns (7.6). Only the {@code 25519} DH functions, the {@code AESGCM} cipher and the
 * {@code SHA256} hash are implemented; other names, and modifiers other than {@code pskN}
 * ({@code fallback}, {@code hfs}), are refused with {@link IllegalArgumentException}.
 *
 * <p>Immutable and thread-safe.
 */
public final class HandshakePattern {

    /** The protocol Bridgekeeper speaks (PROTOCOL.md section 3). */
    public static final String NOISE_XX_25519_AESGCM_SHA256 = "Noise_XX_25519_AESGCM_SHA256";

    /** A token of a message pattern or pre-message pattern. */
    public enum Token {
        E("e"), S("s"), EE("ee"), ES("es"), SE("se"), SS("ss"), PSK("psk");

        private final String text;

        Token(String text) {
            this.text = text;
        }

        /** The token as the spec writes it. */
        public String text() {
            return text;
        }

        static Token parse(String text) {
            for (Token token : values()) {
                if (token.text.equals(text)) {
                    return token;
                }
            }
            throw new IllegalArgumentException("unknown token '" + text + "'");
        }
    }

    /** One handshake message: who sends it and its tokens in order. */
    public record MessagePattern(boolean fromInitiator, List<Token> tokens) {
        public MessagePattern {
            tokens = List.copyOf(tokens);
        }

        @Override
        public String toString() {
            return (fromInitiator ? "-> " : "<- ") + String.join(", ", tokens.stream().map(Token::text).toList());
        }
    }

    /** The patterns of spec section 7 in the spec's notation, lines joined by " | "; "..." ends the pre-messages. */
    private static final Map<String, String> BASE_PATTERNS = new LinkedHashMap<>();

    static {
        // 7.4 one-way
        define("N", "<- s | ... | -> e, es");
        define("K", "-> s | <- s | ... | -> e, es, ss");
        define("X", "<- s | ... | -> e, es, s, ss");
        // 7.5 interactive, fundamental
        define("NN", "-> e | <- e, ee");
        define("NK", "<- s | ... | -> e, es | <- e, ee");
        define("NX", "-> e | <- e, ee, s, es");
        define("XN", "-> e | <- e, ee | -> s, se");
        define("XK", "<- s | ... | -> e, es | <- e, ee | -> s, se");
        define("XX", "-> e | <- e, ee, s, es | -> s, se");
        define("KN", "-> s | ... | -> e | <- e, ee, se");
        define("KK", "-> s | <- s | ... | -> e, es, ss | <- e, ee, se");
        define("KX", "-> s | ... | -> e | <- e, ee, se, s, es");
        define("IN", "-> e, s | <- e, ee, se");
        define("IK", "<- s | ... | -> e, es, s, ss | <- e, ee, se");
        define("IX", "-> e, s | <- e, ee, se, s, es");
        // 7.6 interactive, deferred
        define("NK1", "<- s | ... | -> e | <- e, ee, es");
        define("NX1", "-> e | <- e, ee, s | -> es");
        define("X1N", "-> e | <- e, ee | -> s | <- se");
        define("X1K", "<- s | ... | -> e, es | <- e, ee | -> s | <- se");
        define("XK1", "<- s | ... | -> e | <- e, ee, es | -> s, se");
        define("X1K1", "<- s | ... | -> e | <- e, ee, es | -> s | <- se");
        define("X1X", "-> e | <- e, ee, s, es | -> s | <- se");
        define("XX1", "-> e | <- e, ee, s | -> es, s, se");
        define("X1X1", "-> e | <- e, ee, s | -> es, s | <- se");
        define("K1N", "-> s | ... | -> e | <- e, ee | -> se");
        define("K1K", "-> s | <- s | ... | -> e, es | <- e, ee | -> se");
        define("KK1", "-> s | <- s | ... | -> e | <- e, ee, se, es");
        define("K1K1", "-> s | <- s | ... | -> e | <- e, ee, es | -> se");
        define("K1X", "-> s | ... | -> e | <- e, ee, s, es | -> se");
        define("KX1", "-> s | ... | -> e | <- e, ee, se, s | -> es");
        define("K1X1", "-> s | ... | -> e | <- e, ee, s | -> se, es");
        define("I1N", "-> e, s | <- e, ee | -> se");
        define("I1K", "<- s | ... | -> e, es, s | <- e, ee | -> se");
        define("IK1", "<- s | ... | -> e, s | <- e, ee, se, es");
        define("I1K1", "<- s | ... | -> e, s | <- e, ee, es | -> se");
        define("I1X", "-> e, s | <- e, ee, s, es | -> se");
        define("IX1", "-> e, s | <- e, ee, se, s | -> es");
        define("I1X1", "-> e, s | <- e, ee, s | -> se, es");
    }

    private static void define(String name, String notation) {
        BASE_PATTERNS.put(name, notation);
    }

    private static final Pattern PSK_MODIFIER = Pattern.compile("psk([0-9]{1,2})");

    private final String protocolName;
    private final String name;
    private final List<Token> initiatorPreMessage;
    private final List<Token> responderPreMessage;
    private final List<MessagePattern> messages;
    private final int pskCount;

    private HandshakePattern(String protocolName, String name, List<Token> initiatorPreMessage,
            List<Token> responderPreMessage, List<MessagePattern> messages) {
        this.protocolName = protocolName;
        this.name = name;
        this.initiatorPreMessage = List.copyOf(initiatorPreMessage);
        this.responderPreMessage = List.copyOf(responderPreMessage);
        this.messages = List.copyOf(messages);
        this.pskCount = (int) messages.stream().flatMap(m -> m.tokens().stream()).filter(t -> t == Token.PSK).count();
    }

    /**
     * Parses a full protocol name, e.g. {@code Noise_XX_25519_AESGCM_SHA256} or
     * {@code Noise_NNpsk0+psk2_25519_AESGCM_SHA256}.
     *
     * @throws IllegalArgumentException naming what is malformed or unsupported
     */
    public static HandshakePattern parse(String protocolName) {
        Objects.requireNonNull(protocolName, "protocolName");
        String[] parts = protocolName.split("_", -1);
        if (parts.length != 5 || !parts[0].equals("Noise")) {
            throw new IllegalArgumentException(
                    "not a Noise protocol name (Noise_<pattern>_<dh>_<cipher>_<hash>): '" + printable(protocolName) + "'");
        }
        String patternName = parts[1];
        int modifiersStart = 0;
        while (modifiersStart < patternName.length() && isBaseNameChar(patternName.charAt(modifiersStart))) {
            modifiersStart++;
        }
        String baseName = patternName.substring(0, modifiersStart);
        String notation = BASE_PATTERNS.get(baseName);
        if (notation == null) {
            throw new IllegalArgumentException("unknown handshake pattern '" + printable(baseName) + "'");
        }
        List<Token> initiatorPre = new ArrayList<>();
        List<Token> responderPre = new ArrayList<>();
        List<List<Token>> messageTokens = new ArrayList<>();
        List<Boolean> directions = new ArrayList<>();
        parseNotation(notation, initiatorPre, responderPre, messageTokens, directions);

        String modifiers = patternName.substring(modifiersStart);
        if (!modifiers.isEmpty()) {
            applyModifiers(modifiers, messageTokens);
        }
        requireSupported("DH function", parts[2], "25519");
        requireSupported("cipher", parts[3], "AESGCM");
        requireSupported("hash", parts[4], "SHA256");

        List<MessagePattern> messages = new ArrayList<>();
        for (int i = 0; i < messageTokens.size(); i++) {
            messages.add(new MessagePattern(directions.get(i), messageTokens.get(i)));
        }
        return new HandshakePattern(protocolName, patternName, initiatorPre, responderPre, messages);
    }

    /** The full protocol name, exactly as parsed (it is hashed into the handshake). */
    public String protocolName() {
        return protocolName;
    }

    /** The pattern with its modifiers, e.g. {@code XX} or {@code XXpsk3}. */
    public String name() {
        return name;
    }

    /** The pre-message of the initiator (if {@code initiator}) or the responder; empty if none. */
    public List<Token> preMessage(boolean initiator) {
        return initiator ? initiatorPreMessage : responderPreMessage;
    }

    /** The handshake messages in order, psk tokens included. */
    public List<MessagePattern> messages() {
        return messages;
    }

    /** How many pre-shared keys the handshake consumes (the number of "psk" tokens). */
    public int pskCount() {
        return pskCount;
    }

    /** True for the one-way patterns (a single message, initiator to responder). */
    public boolean isOneWay() {
        return messages.size() == 1;
    }

    /** The base pattern names this class knows, in spec order. */
    public static Set<String> supportedBasePatterns() {
        return Collections.unmodifiableSet(BASE_PATTERNS.keySet());
    }

    @Override
    public String toString() {
        return protocolName;
    }

    // ---- parsing ----

    private static boolean isBaseNameChar(char c) {
        return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    }

    private static void requireSupported(String what, String actual, String supported) {
        if (!actual.equals(supported)) {
            throw new IllegalArgumentException(
                    "unsupported " + what + " '" + printable(actual) + "' (only " + supported + " is implemented)");
        }
    }

    /** Reads the table's notation; validates it so a typo in the table cannot go unnoticed. */
    private static void parseNotation(String notation, List<Token> initiatorPre, List<Token> responderPre,
            List<List<Token>> messageTokens, List<Boolean> directions) {
        String[] lines = notation.split("\\|");
        boolean hasPreMessages = notation.contains("...");
        boolean inPreMessages = hasPreMessages;
        for (String rawLine : lines) {
            String line = rawLine.trim();
            if (line.equals("...")) {
                inPreMessages = false;
                continue;
            }
            boolean fromInitiator;
            if (line.startsWith("->")) {
                fromInitiator = true;
            } else if (line.startsWith("<-")) {
                fromInitiator = false;
            } else {
                throw new IllegalStateException("bad pattern line '" + line + "'");
            }
            List<Token> tokens = new ArrayList<>();
            for (String text : line.substring(2).split(",")) {
                tokens.add(Token.parse(text.trim()));
            }
            if (inPreMessages) {
                List<Token> target = fromInitiator ? initiatorPre : responderPre;
                if (!target.isEmpty() || (fromInitiator && !responderPre.isEmpty())
                        || tokens.stream().anyMatch(t -> t != Token.E && t != Token.S)) {
                    throw new IllegalStateException("bad pre-message '" + line + "'");
                }
                target.addAll(tokens);
            } else {
                boolean expected = messageTokens.size() % 2 == 0;
                if (fromInitiator != expected) {
                    throw new IllegalStateException("messages must alternate, initiator first: '" + line + "'");
                }
                messageTokens.add(tokens);
                directions.add(fromInitiator);
            }
        }
    }

    /** Applies "pskN" modifiers joined by '+': psk0 starts the first message, pskN ends message N. */
    private static void applyModifiers(String modifiers, List<List<Token>> messageTokens) {
        Set<Integer> seen = new HashSet<>();
        for (String modifier : modifiers.split("\\+", -1)) {
            Matcher matcher = PSK_MODIFIER.matcher(modifier);
            if (!matcher.matches()) {
                throw new IllegalArgumentException(
                        "unsupported pattern modifier '" + printable(modifier) + "' (only pskN is implemented)");
            }
            int position = Integer.parseInt(matcher.group(1));
            if (position > messageTokens.size()) {
                throw new IllegalArgumentException("modifier " + modifier + " is past the last of the pattern's "
                        + messageTokens.size() + " messages");
            }
            if (!seen.add(position)) {
                throw new IllegalArgumentException("modifier " + modifier + " appears twice");
            }
            if (position == 0) {
                messageTokens.get(0).add(0, Token.PSK);
            } else {
                messageTokens.get(position - 1).add(Token.PSK);
            }
        }
    }

    /** Keeps error messages printable and short whatever the caller passed. */
    private static String printable(String text) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < text.length() && i < 80; i++) {
            char c = text.charAt(i);
            out.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return text.length() > 80 ? out + "..." : out.toString();
    }
}
