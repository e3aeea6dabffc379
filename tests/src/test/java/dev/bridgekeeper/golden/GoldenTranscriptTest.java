package dev.bridgekeeper.golden;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bridgekeeper.ipc.Endpoint;
import dev.bridgekeeper.ipc.IncomingMessage;
import dev.bridgekeeper.testing.InMemoryHub;
import dev.bridgekeeper.agent.internal.ipc.InMemorySessionRepository;
import dev.bridgekeeper.agent.internal.ipc.IpcClient;
import dev.bridgekeeper.ipc.RpcErrorCode;
import dev.bridgekeeper.ipc.RpcException;
import dev.bridgekeeper.noise.CipherState;
import dev.bridgekeeper.noise.CipherStatePair;
import dev.bridgekeeper.noise.HandshakePattern;
import dev.bridgekeeper.noise.HandshakeState;
import dev.bridgekeeper.noise.KeyPair;
import dev.bridgekeeper.agent.internal.secure.InitiatorListener;
import dev.bridgekeeper.agent.internal.secure.NoiseCryptoProvider;
import dev.bridgekeeper.agent.internal.secure.PairingCodes;
import dev.bridgekeeper.agent.PairingRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * The golden transcript: one whole session between the Java desktop (responder) and a Java
 * extension (initiator), with every key, ephemeral and nonce fixed, so the frames on the wire are
 * the same bytes on every run. The transcript is checked in as
 * {@code client-js/test/golden/chromium-first-contact.json}; the JavaScript client replays it
 * ({@code client-js/test/golden-transcript.test.mjs}) and must produce the same initiator
 * frames and accept the desktop's.
 *
 * <p>This test fails when the Java side no longer produces the checked-in bytes. If the change is
 * intended (the protocol or a payload changed on purpose), regenerate with
 * {@code mvn -o -q test -Dtest=GoldenTranscriptTest -Dgolden.update=true}, then run the JS replay
 * and commit both.
 *
 * <p>The session: handshake steps 1–3, first-contact pairing (commit, nonce, reveal, complete),
 * {@code session.ready}, an RPC and its response, a desktop event, an extension event, an RPC that
 * fails ({@code method_not_found}), and an RPC whose request and response are both longer than one
 * Noise message, so each is cut into two {@code secure} frames with {@code more}.
 */
class GoldenTranscriptTest {
    static final String NAME = "chromium-first-contact";
    static final String UPDATE_PROPERTY = "golden.update";
    static final String CALLER = "chrome-extension://ehcmijlhbioomifbjmghlpklegfgldmf/";
    static final String DESKTOP_NAME = "Golden Desktop";
    static final String DESKTOP_VERSION = "1.0.0";
    static final String EXTENSION_NAME = "Golden Extension";
    static final String EXTENSION_VERSION = "2.0.0";
    /** Just over one Noise message of plaintext, so the request and the response take two pieces. */
    static final int LARGE_TEXT_LENGTH = 66_000;
    static final long WAIT_SECONDS = 10;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HexFormat HEX = HexFormat.of();

    /** 32 bytes derived from a label, so every fixed value is reproducible from this file alone. */
    static byte[] fixed(String label) {
        try {
            return MessageDigest.getInstance("SHA-256")
                    .digest(("bridgekeeper golden transcript: " + label).getBytes(StandardCharsets.UTF_8));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    /** Printable ASCII, so every plaintext piece of the transcript is readable text. */
    static String largeText() {
        StringBuilder b = new StringBuilder(LARGE_TEXT_LENGTH);
        String alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
        for (int i = 0; i < LARGE_TEXT_LENGTH; i++) {
            b.append(alphabet.charAt((i * 7 + i / 36) % alphabet.length()));
        }
        return b.toString();
    }

    /** What the extension's user interface would show. */
    static final class ExtensionUi implements InitiatorListener {
        final BlockingQueue<String> codes = new LinkedBlockingQueue<>();
        final BlockingQueue<String> failures = new LinkedBlockingQueue<>();

        @Override
        public void pairingCode(String code) {
            codes.add(code);
        }

        @Override
        public void failed(String code, String message) {
            failures.add(code + ": " + message);
        }
    }

    @Test
    void theJavaSideProducesTheCheckedInTranscript() throws Exception {
        String produced = runSession();
        Path golden = repositoryRoot().resolve("client-js/test/golden/" + NAME + ".json");
        if (Boolean.getBoolean(UPDATE_PROPERTY)) {
            Files.createDirectories(golden.getParent());
            Files.writeString(golden, produced, StandardCharsets.UTF_8);
            return;
        }
        String hint = " Regenerate it, if the change is intended, with: mvn -o -q test -Dtest=GoldenTranscriptTest -D"
                + UPDATE_PROPERTY + "=true (then run the JS replay in client-js and commit both).";
        if (!Files.exists(golden)) {
            fail(golden + " is missing." + hint);
        }
        String expected = Files.readString(golden, StandardCharsets.UTF_8);
        if (!expected.equals(produced)) {
            fail("the Java side no longer produces " + golden + "; first difference: " + firstDifference(expected, produced)
                    + "." + hint);
        }
    }

    @Test
    void theSessionIsDeterministic() throws Exception {
        // Two runs in one JVM give the same bytes: nothing random or time-dependent leaks into the wire.
        assertEquals(runSession(), runSession());
    }

    /** Runs the scripted session and returns the transcript document. */
    String runSession() throws Exception {
        KeyPair desktopStatic = KeyPair.fromPrivate(fixed("desktop static"));
        // Sessions zero their ephemeral key when they end, so each user gets its own copy.
        byte[] desktopEphemeralKey = fixed("desktop ephemeral");
        KeyPair desktopEphemeral = KeyPair.fromPrivate(desktopEphemeralKey);
        KeyPair extensionStatic = KeyPair.fromPrivate(fixed("extension static"));
        byte[] extensionEphemeralKey = fixed("extension ephemeral");
        KeyPair extensionEphemeral = KeyPair.fromPrivate(extensionEphemeralKey);
        byte[] desktopNonce = fixed("desktop pairing nonce");
        byte[] extensionNonce = fixed("extension pairing nonce");
        ScriptedRandom desktopRandom = new ScriptedRandom(List.of(desktopNonce));
        ScriptedRandom extensionRandom = new ScriptedRandom(List.of(extensionNonce));

        List<RecordingBackend.Frame> transcript = Collections.synchronizedList(new ArrayList<>());
        BlockingQueue<PairingRequest> requests = new LinkedBlockingQueue<>();
        BlockingQueue<CompletableFuture<Boolean>> answers = new LinkedBlockingQueue<>();
        ExtensionUi ui = new ExtensionUi();
        InMemorySessionRepository pairings = new InMemorySessionRepository();
        InMemorySessionRepository pins = new InMemorySessionRepository();
        String large = largeText();

        try (InMemoryHub hub = new InMemoryHub();
                IpcClient desktop = IpcClient.builder()
                        .backend(new RecordingBackend(hub.desktop(), "desktop", transcript))
                        .cryptoProvider(NoiseCryptoProvider.responder(desktopStatic)
                                .identity(DESKTOP_NAME, DESKTOP_VERSION)
                                .ephemeralKeysForTesting(() -> KeyPair.fromPrivate(desktopEphemeralKey))
                                .random(desktopRandom)
                                .approver(request -> {
                                    CompletableFuture<Boolean> answer = new CompletableFuture<>();
                                    requests.add(request);
                                    answers.add(answer);
                                    return answer;
                                })
                                .build())
                        .sessionRepository(pairings)
                        .build();
                IpcClient extension = IpcClient.builder()
                        .backend(new RecordingBackend(hub.connect(CALLER), "extension", transcript))
                        .cryptoProvider(NoiseCryptoProvider.initiator(extensionStatic, CALLER)
                                .identity(EXTENSION_NAME, EXTENSION_VERSION)
                                .ephemeralKeysForTesting(() -> KeyPair.fromPrivate(extensionEphemeralKey))
                                .random(extensionRandom)
                                .listener(ui)
                                .build())
                        .sessionRepository(pins)
                        .build()) {
            desktop.register("demo.echo", (params, context) -> params);
            BlockingQueue<IncomingMessage> desktopEvents = new LinkedBlockingQueue<>();
            BlockingQueue<IncomingMessage> extensionEvents = new LinkedBlockingQueue<>();
            desktop.subscribe("extension.visible", desktopEvents::add);
            extension.subscribe("desktop.locked", extensionEvents::add);
            desktop.start();
            extension.start();

            // Pairing: both sides show the same code, then the desktop's user approves.
            PairingRequest request = take(requests);
            assertEquals(request.code(), take(ui.codes), "both sides show the same code");
            take(answers).complete(true);
            await(extension.whenReady(Endpoint.desktop()));

            JsonNode echoed = await(extension.call(Endpoint.desktop(), "demo.echo", JSON.readTree("{\"text\":\"hello\"}")));
            assertEquals("hello", echoed.path("text").asText());

            assertEquals(1, desktop.publish("desktop.locked", JSON.createObjectNode(), Endpoint.all()));
            assertEquals("desktop.locked", take(extensionEvents).topic());

            assertEquals(1, extension.publish("extension.visible", JSON.readTree("{\"tab\":7}"), Endpoint.all()));
            assertEquals(7, take(desktopEvents).payload().path("tab").asInt());

            Throwable missing = failure(extension.call(Endpoint.desktop(), "demo.missing", null));
            assertTrue(missing instanceof RpcException r && r.code() == RpcErrorCode.METHOD_NOT_FOUND.code(),
                    String.valueOf(missing));

            ObjectNode largeParams = JSON.createObjectNode().put("text", large);
            assertEquals(large, await(extension.call(Endpoint.desktop(), "demo.echo", largeParams)).path("text").asText());

            assertTrue(ui.failures.isEmpty(), "no failure on the extension side: " + ui.failures);
            assertEquals(1, pairings.list().size(), "the desktop stored the pairing");
            assertTrue(pins.list().get(0).hasKey(desktopStatic.publicKey()), "the extension pinned the desktop");
            assertTrue(desktopRandom.exhausted() && extensionRandom.exhausted(), "each side drew its pairing nonce");

            List<RecordingBackend.Frame> frames;
            synchronized (transcript) {
                frames = List.copyOf(transcript);
            }
            return document(frames, desktopStatic, desktopEphemeral, extensionStatic, extensionEphemeral,
                    desktopNonce, extensionNonce, request.code());
        }
    }

    /**
     * Builds the transcript document. It decrypts every {@code secure} frame independently of the
     * two sessions (a passive observer holding the desktop's keys), so the file says what each
     * frame carries, and checks the code both sides showed against the one the frames imply.
     */
    static String document(List<RecordingBackend.Frame> frames, KeyPair desktopStatic, KeyPair desktopEphemeral,
            KeyPair extensionStatic, KeyPair extensionEphemeral, byte[] desktopNonce, byte[] extensionNonce,
            String shownCode) throws Exception {
        // The observer gets its own copy of the ephemeral: a finished handshake zeroes it.
        HandshakeState observer = HandshakeState.initialize(HandshakePattern.parse(NoiseCryptoProvider.PROTOCOL_NAME),
                false, ("bridgekeeper/1 " + CALLER).getBytes(StandardCharsets.UTF_8), desktopStatic,
                KeyPair.fromPrivate(desktopEphemeral.privateKey()), null, null, null);
        CipherState fromExtension = null;
        CipherState fromDesktop = null;
        byte[] handshakeHash = null;
        // Per side: true while the pieces of a large message are still coming.
        java.util.Map<String, Boolean> midMessage = new java.util.HashMap<>();

        ArrayNode out = JSON.createArrayNode();
        for (RecordingBackend.Frame f : frames) {
            JsonNode envelope = JSON.readTree(f.text());
            ObjectNode entry = out.addObject();
            entry.put("from", f.from());
            String type = envelope.path("type").asText();
            if (type.equals("handshake")) {
                int step = envelope.path("step").asInt();
                byte[] message = Base64.getDecoder().decode(envelope.path("data").asText());
                entry.put("what", "handshake step " + step);
                byte[] payload = switch (step) {
                    case 1, 3 -> observer.readMessage(message);
                    case 2 -> {
                        // The observer is the desktop's twin: writing step 2 must give the recorded bytes.
                        byte[] payload2 = handshakePayload(DESKTOP_NAME, DESKTOP_VERSION);
                        assertEquals(HEX.formatHex(message), HEX.formatHex(observer.writeMessage(payload2)));
                        yield payload2;
                    }
                    default -> throw new AssertionError("unexpected step " + step);
                };
                entry.put("payload", new String(payload, StandardCharsets.UTF_8));
                if (step == 3) {
                    handshakeHash = observer.getHandshakeHash();
                    CipherStatePair pair = observer.split();
                    fromExtension = pair.initiatorToResponder();
                    fromDesktop = pair.responderToInitiator();
                }
            } else if (type.equals("secure")) {
                CipherState cipher = f.from().equals("extension") ? fromExtension : fromDesktop;
                byte[] piece = cipher.decryptWithAd(new byte[0], Base64.getDecoder().decode(envelope.path("data").asText()));
                String plaintext = new String(piece, StandardCharsets.UTF_8);
                boolean more = envelope.path("more").asBoolean(false);
                boolean continues = midMessage.getOrDefault(f.from(), false);
                entry.put("what", continues ? (more ? "middle piece" : "last piece") + " of a large message"
                        : more ? "first piece of a large message: " + describe(plaintext) : describe(plaintext));
                midMessage.put(f.from(), more);
                entry.put("plaintext", plaintext);
            } else {
                fail("unexpected envelope in the golden session: " + f.text());
            }
            entry.put("frame", f.text());
        }

        String expectedCode = PairingCodes.format(PairingCodes.code(handshakeHash, extensionNonce, desktopNonce));
        assertEquals(expectedCode, shownCode, "the code both sides showed is the one the transcript implies");
        long fragmented = frames.stream().filter(f -> f.text().contains("\"more\":true")).count();
        assertEquals(2, fragmented, "the large request and the large response each took two pieces");

        ObjectNode doc = JSON.createObjectNode();
        doc.put("about", "Golden transcript of one Bridgekeeper session (PROTOCOL.md), produced by the Java desktop"
                + " (responder) and Java extension (initiator) in host/src/test/java/dev/bridgekeeper/golden/"
                + "GoldenTranscriptTest.java with every key and nonce fixed. Keys and nonces are hex; each frame is"
                + " the exact envelope JSON; 'plaintext' is the decrypted Noise payload of a secure frame. Regenerate"
                + " with: mvn -o -q test -Dtest=GoldenTranscriptTest -D" + UPDATE_PROPERTY + "=true");
        doc.put("protocolName", NoiseCryptoProvider.PROTOCOL_NAME);
        doc.put("callerId", CALLER);
        ObjectNode desktopNode = doc.putObject("desktop");
        desktopNode.put("name", DESKTOP_NAME);
        desktopNode.put("version", DESKTOP_VERSION);
        keys(desktopNode, desktopStatic, desktopEphemeral);
        desktopNode.put("pairingNonce", HEX.formatHex(desktopNonce));
        ObjectNode extensionNode = doc.putObject("extension");
        extensionNode.put("name", EXTENSION_NAME);
        extensionNode.put("version", EXTENSION_VERSION);
        keys(extensionNode, extensionStatic, extensionEphemeral);
        extensionNode.put("pairingNonce", HEX.formatHex(extensionNonce));
        doc.put("handshakeHash", HEX.formatHex(handshakeHash));
        doc.put("pairingCode", expectedCode);
        doc.set("frames", out);

        DefaultPrettyPrinter printer = new DefaultPrettyPrinter()
                .withObjectIndenter(new DefaultIndenter("  ", "\n"))
                .withArrayIndenter(new DefaultIndenter("  ", "\n"));
        return JSON.writer(printer).writeValueAsString(doc) + "\n";
    }

    static byte[] handshakePayload(String name, String version) throws Exception {
        ObjectNode n = JSON.createObjectNode();
        n.put("name", name);
        n.put("version", version);
        n.put("protocol", 1);
        return JSON.writeValueAsBytes(n);
    }

    /**
     * A short label for a message, read from its first piece (which is not JSON on its own when the
     * message is large): the topic, the method and id of a request, the id of a response.
     */
    static String describe(String firstPiece) {
        String topic = field(firstPiece, "topic");
        return switch (topic) {
            case "rpc.request" -> topic + " " + field(firstPiece, "method") + " #" + field(firstPiece, "id");
            case "rpc.response" -> topic + " #" + field(firstPiece, "id")
                    + (firstPiece.contains("\"error\":{") ? " (error)" : "");
            default -> topic;
        };
    }

    /** The first string value of {@code "name":"…"} in the text (the senders write no spaces). */
    private static String field(String text, String name) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"" + name + "\":\"([^\"]*)\"").matcher(text);
        return m.find() ? m.group(1) : "?";
    }

    static void keys(ObjectNode node, KeyPair statics, KeyPair ephemeral) {
        assertTrue(!statics.isDestroyed() && !ephemeral.isDestroyed(), "a recorded key was zeroed by a session");
        node.put("staticPrivateKey", HEX.formatHex(statics.privateKey()));
        node.put("staticPublicKey", HEX.formatHex(statics.publicKey()));
        node.put("ephemeralPrivateKey", HEX.formatHex(ephemeral.privateKey()));
        node.put("ephemeralPublicKey", HEX.formatHex(ephemeral.publicKey()));
    }

    static Path repositoryRoot() {
        for (Path p = Path.of(System.getProperty("user.dir")).toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("client-js")) && Files.isDirectory(p.resolve("host"))) {
                return p;
            }
        }
        throw new AssertionError("cannot find the repository root above " + System.getProperty("user.dir"));
    }

    static String firstDifference(String expected, String actual) {
        String[] e = expected.split("\n", -1);
        String[] a = actual.split("\n", -1);
        for (int i = 0; i < Math.max(e.length, a.length); i++) {
            String el = i < e.length ? e[i] : "<end of file>";
            String al = i < a.length ? a[i] : "<end of file>";
            if (!el.equals(al)) {
                return "line " + (i + 1) + ": checked in " + clip(el) + ", produced " + clip(al);
            }
        }
        return "none";
    }

    private static String clip(String s) {
        return s.length() > 160 ? s.substring(0, 160) + "…" : s;
    }

    static <T> T take(BlockingQueue<T> queue) throws InterruptedException {
        T value = queue.poll(WAIT_SECONDS, TimeUnit.SECONDS);
        if (value == null) {
            throw new AssertionError("nothing arrived");
        }
        return value;
    }

    static <T> T await(CompletableFuture<T> future) throws Exception {
        try {
            return future.get(WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new AssertionError("call failed: " + e.getCause(), e.getCause());
        }
    }

    static Throwable failure(CompletableFuture<?> future) throws Exception {
        try {
            Object value = future.get(WAIT_SECONDS, TimeUnit.SECONDS);
            throw new AssertionError("expected a failure, got " + value);
        } catch (ExecutionException e) {
            return e.getCause();
        }
    }
}
