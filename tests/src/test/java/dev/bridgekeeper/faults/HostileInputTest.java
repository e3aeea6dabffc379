package dev.bridgekeeper.faults;

import static dev.bridgekeeper.faults.FaultFixture.await;
import static dev.bridgekeeper.faults.FaultFixture.faults;
import static dev.bridgekeeper.faults.FaultFixture.get;
import static dev.bridgekeeper.faults.FaultFixture.newKey;
import static dev.bridgekeeper.faults.FaultFixture.nextFrame;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bridgekeeper.protocol.Version;
import dev.bridgekeeper.protocol.framing.FrameException;
import dev.bridgekeeper.protocol.framing.FrameReader;
import dev.bridgekeeper.testing.HostProcess;
import dev.bridgekeeper.testing.TestExtension;
import dev.bridgekeeper.protocol.local.ChannelStreams;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Hostile and broken input against a running agent process, on raw socket connections (a local
 * program of the same user, or a broken host) and through real host processes (a broken or
 * malicious extension). Each gets the documented {@code error} envelope and is closed; a
 * well-behaved extension connected the whole time keeps working after every case, and the pairing
 * store is byte-for-byte unchanged at the end. (Session-level fuzzing of the envelopes and Noise
 * messages is the fuzz suite's job; this one is about the running agent.)
 */
class HostileInputTest {
    static final String HELLO = "{\"type\":\"hello\",\"protocol\":1,\"host\":{\"version\":\"" + Version.VERSION
            + "\",\"pid\":1},\"caller\":{\"browser\":\"chromium\",\"id\":\"" + FaultFixture.CALLER + "\"}}";

    private static FaultFixture f;
    private static TestExtension good;
    private static byte[] storeBefore;
    private static final AtomicLong echoes = new AtomicLong();

    @BeforeAll
    static void startAgent() throws Exception {
        f = new FaultFixture();
        f.startFaultAgent("--auto-approve"); // Anything that reached pairing would be saved: the store shows it.
        good = f.viaHost(newKey());
        good.awaitReady(30);
        storeBefore = f.pairingBytes();
    }

    @AfterAll
    static void stopAgent() throws Exception {
        try {
            assertArrayEquals(storeBefore, f.pairingBytes(), "no hostile input wrote to the pairing store");
            assertEquals(1, f.openStore().list().size());
        } finally {
            f.close();
        }
    }

    /** After every case: the agent lives, the good extension is served, no hostile connection lingers. */
    @AfterEach
    void theGoodConnectionKeepsWorking() throws Exception {
        assertTrue(f.agent.isAlive(), "the agent survived");
        long n = echoes.incrementAndGet();
        assertEquals(n, get(faults(good).echo(new FaultChannel.Num(n))).n());
        await(30, () -> "hostile connections are still open", () -> connections() == 1);
    }

    private static int connections() {
        try {
            return get(faults(good).stats()).connections();
        } catch (Exception e) {
            return -1;
        }
    }

    static byte[] le32(long v) {
        return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt((int) v).array();
    }

    static byte[] frame(byte[] payload) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(le32(payload.length));
        b.writeBytes(payload);
        return b.toByteArray();
    }

    static byte[] frame(String json) {
        return frame(json.getBytes(StandardCharsets.UTF_8));
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            b.writeBytes(p);
        }
        return b.toByteArray();
    }

    /** A hello whose JSON text is {@code HELLO} with one part replaced. */
    static byte[] helloWith(String from, String to) {
        assertTrue(HELLO.contains(from), from);
        return frame(HELLO.replace(from, to));
    }

    /** UTF-8 bytes with a broken sequence inside an otherwise fine hello. */
    static byte[] helloWithBytes(byte... bad) {
        byte[] head = "{\"type\":\"hello\",\"junk\":\"".getBytes(StandardCharsets.UTF_8);
        byte[] tail = "\",\"protocol\":1}".getBytes(StandardCharsets.UTF_8);
        return frame(concat(head, bad, tail));
    }

    /**
     * Sends {@code bytes} on a fresh raw connection (then half-closes if {@code endInput}) and
     * returns the agent's answer: the error code of the one frame it sent before closing, or
     * "closed" if it closed without a frame. Anything after the error frame fails the test.
     */
    static String answerTo(byte[] bytes, boolean afterHello, boolean endInput) throws Exception {
        try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(f.socket))) {
            FrameReader reader = new FrameReader(ChannelStreams.input(ch), 1 << 20);
            if (afterHello) {
                ch.write(ByteBuffer.wrap(frame(HELLO)));
                assertEquals("connected", FaultFixture.JSON.readTree(reader.readJsonText()).path("state").asText());
            }
            ByteBuffer buf = ByteBuffer.wrap(bytes);
            try {
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                if (endInput) {
                    ch.shutdownOutput();
                }
            } catch (IOException closedMidWrite) {
                // The agent may refuse (and close) before reading all of it; its answer is still there.
            }
            String text = reader.readJsonText();
            if (text == null) {
                return "closed";
            }
            JsonNode err = FaultFixture.JSON.readTree(text);
            assertEquals("error", err.path("type").asText(), text);
            assertTrue(err.path("message").isTextual(), text);
            assertEquals(-1, readOrEnd(reader), "the agent closes right after the error");
            return err.path("code").asText();
        }
    }

    private static int readOrEnd(FrameReader reader) throws IOException {
        try {
            return reader.next();
        } catch (FrameException | java.net.SocketException reset) {
            return -1;
        }
    }

    private static void expectAll(Map<String, byte[]> cases, String code, boolean afterHello, boolean endInput)
            throws Exception {
        for (Map.Entry<String, byte[]> c : cases.entrySet()) {
            assertEquals(code, answerTo(c.getValue(), afterHello, endInput), c.getKey());
        }
    }

    @Test
    void oversizeLengthPrefixesAreRefusedBeforeAnythingIsRead() throws Exception {
        for (boolean afterHello : new boolean[] {false, true}) {
            Map<String, byte[]> cases = new LinkedHashMap<>();
            cases.put("0xFFFFFFFF", le32(0xFFFFFFFFL));
            cases.put("0x80000000", le32(0x80000000L));
            cases.put("0x7FFFFFFF", le32(0x7FFFFFFFL));
            cases.put("limit + 1", le32(1_048_577)); // Only the prefix: unread bytes would make the close a reset.
            expectAll(cases, "frame_too_large", afterHello, false);
        }
    }

    @Test
    void emptyAndTruncatedFramesAreProtocolErrors() throws Exception {
        for (boolean afterHello : new boolean[] {false, true}) {
            expectAll(Map.of("length 0", le32(0)), "protocol_error", afterHello, false);
            Map<String, byte[]> cut = new LinkedHashMap<>();
            cut.put("half a length prefix", new byte[] {5, 0});
            cut.put("frame cut short", concat(le32(100), "{\"type\":\"hel".getBytes(StandardCharsets.UTF_8)));
            expectAll(cut, "protocol_error", afterHello, true);
        }
    }

    @Test
    void invalidUtf8AndNonObjectFramesAreProtocolErrors() throws Exception {
        Map<String, byte[]> cases = new LinkedHashMap<>();
        cases.put("bad continuation", helloWithBytes((byte) 0xC3, (byte) 0x28));
        cases.put("overlong encoding of '/'", helloWithBytes((byte) 0xC0, (byte) 0xAF));
        cases.put("UTF-16 surrogate", helloWithBytes((byte) 0xED, (byte) 0xA0, (byte) 0x80));
        cases.put("truncated sequence", helloWithBytes((byte) 0xE2, (byte) 0x82));
        cases.put("byte 0xFF", helloWithBytes((byte) 0xFF));
        cases.put("array", frame("[1,2,3]"));
        cases.put("string", frame("\"hello\""));
        cases.put("number", frame("42"));
        cases.put("null", frame("null"));
        cases.put("broken object", frame("{\"type\":}"));
        cases.put("two objects", frame("{\"type\":\"hello\"}{\"type\":\"hello\"}"));
        cases.put("nested 5000 deep", frame("{\"a\":" + "[".repeat(5000) + "]".repeat(5000) + "}"));
        for (boolean afterHello : new boolean[] {false, true}) {
            expectAll(cases, "protocol_error", afterHello, false);
        }
    }

    @Test
    void wrongHellosAreRefused() throws Exception {
        Map<String, byte[]> cases = new LinkedHashMap<>();
        cases.put("no protocol", helloWith("\"protocol\":1,", ""));
        cases.put("protocol 2", helloWith("\"protocol\":1", "\"protocol\":2"));
        cases.put("protocol as a string", helloWith("\"protocol\":1", "\"protocol\":\"1\""));
        cases.put("no type", helloWith("\"type\":\"hello\",", ""));
        cases.put("wrong type", helloWith("\"type\":\"hello\"", "\"type\":\"helo\""));
        cases.put("admin with protocol 2", frame("{\"type\":\"admin\",\"protocol\":2}"));
        cases.put("no caller", frame("{\"type\":\"hello\",\"protocol\":1,\"host\":{\"pid\":1}}"));
        cases.put("caller not an object", helloWith("\"caller\":{", "\"caller\":7,\"x\":{"));
        cases.put("unknown browser", helloWith("\"chromium\"", "\"safari\""));
        cases.put("no caller id", helloWith(",\"id\":\"" + FaultFixture.CALLER + "\"", ""));
        cases.put("empty caller id", helloWith(FaultFixture.CALLER, ""));
        cases.put("caller id a number", helloWith("\"" + FaultFixture.CALLER + "\"", "12"));
        cases.put("BEL in caller id", helloWith(FaultFixture.CALLER, FaultFixture.CALLER + "\\u0007"));
        cases.put("NUL in caller id", helloWith(FaultFixture.CALLER, "\\u0000" + FaultFixture.CALLER));
        cases.put("newline in caller id", helloWith(FaultFixture.CALLER, FaultFixture.CALLER + "\\n"));
        cases.put("DEL in caller id", helloWith(FaultFixture.CALLER, FaultFixture.CALLER + "\\u007f"));
        cases.put("C1 control in caller id", helloWith(FaultFixture.CALLER, FaultFixture.CALLER + "\\u009b"));
        cases.put("caller id of 301 characters", helloWith(FaultFixture.CALLER, "x".repeat(301)));
        expectAll(cases, "protocol_error", false, false);

        assertEquals("not_allowed", answerTo(helloWith(FaultFixture.CALLER,
                "chrome-extension://aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/"), false, false), "a caller not on the allow-list");
        assertEquals("not_allowed", answerTo(helloWith(FaultFixture.CALLER,
                FaultFixture.CALLER.toUpperCase(java.util.Locale.ROOT)), false, false), "case matters in caller ids");
    }

    @Test
    void envelopesOutOfPlaceAfterHelloEndTheConnection() throws Exception {
        assertEquals("handshake_failed", answerTo(frame("{\"type\":\"secure\",\"data\":\"AAAA\"}"), true, false),
                "secure before the handshake");
        assertEquals("handshake_failed", answerTo(frame("{\"type\":\"handshake\",\"step\":3,\"data\":\"AAAA\"}"),
                true, false), "step 3 first");
        assertEquals("handshake_failed", answerTo(frame("{\"type\":\"handshake\",\"step\":1,\"data\":\"!!\"}"),
                true, false), "data not base64");
        assertEquals("protocol_error", answerTo(frame("{\"type\":\"bogus\"}"), true, false), "unknown type");
        assertEquals("protocol_error", answerTo(frame(HELLO), true, false), "a second hello");
    }

    /** A peer that connects and says nothing holds no thread for long: the agent closes it. */
    @Test
    void aSilentPeerIsClosed() throws Exception {
        assertEquals("closed", answerTo(new byte[0], false, false));
    }

    /**
     * A broken or hostile extension writes to a real host's stdin. The host refuses what it can
     * judge itself (lengths) and exits; what it relays verbatim (bad UTF-8, not an object) the agent
     * refuses with an error that reaches the extension, then the host reconnects.
     */
    @Test
    void hostileFramesThroughARealHost() throws Exception {
        for (byte[] bad : new byte[][] {le32(0xFFFFFFFFL), le32(0)}) {
            HostProcess host = f.rawHost();
            assertEquals("connected", nextFrame(host).path("state").asText());
            host.sendRaw(bad);
            JsonNode err = nextFrame(host);
            assertEquals("error", err.path("type").asText(), err.toString());
            assertTrue(host.waitForExit(30, TimeUnit.SECONDS) != 0, "the host ends on a bad browser frame");
        }
        for (byte[] bad : new byte[][] {helloWithBytes((byte) 0xC3, (byte) 0x28), frame("[\"not an object\"]")}) {
            HostProcess host = f.rawHost();
            assertEquals("connected", nextFrame(host).path("state").asText());
            host.sendRaw(bad);
            JsonNode err = nextFrame(host);
            assertEquals("protocol_error", err.path("code").asText(), err.toString());
            assertEquals("desktop_unavailable", nextFrame(host).path("state").asText());
            assertEquals("connected", nextFrame(host).path("state").asText(), "the host reconnects for a new start");
            host.closeStdin();
            assertEquals(0, host.waitForExit(30, TimeUnit.SECONDS));
        }
    }

    /** A process of another OS user reaching the agent's socket is refused by the kernel-checked peer user. */
    @Test
    void aPeerOfAnotherOsUserIsRefused() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/setpriv")) && Files.isExecutable(Path.of("/usr/bin/python3")),
                "needs setpriv and python3");
        assumeTrue(new String(new ProcessBuilder("id", "-u").start().getInputStream().readAllBytes()).trim().equals("0"),
                "needs root to run a client as another user (nobody)");
        // Open the way for the test only: the socket's modes would keep nobody out before any check.
        Files.setPosixFilePermissions(f.tmp.path(), PosixFilePermissions.fromString("rwx--x--x"));
        Files.setPosixFilePermissions(f.socket.getParent(), PosixFilePermissions.fromString("rwx--x--x"));
        Files.setPosixFilePermissions(f.socket, PosixFilePermissions.fromString("rw-rw-rw-"));
        // The peer check comes first, before the agent reads anything: the client only listens.
        String client = "import socket,struct,sys\n"
                + "s=socket.socket(socket.AF_UNIX); s.connect(sys.argv[1])\n"
                + "d=b''\n"
                + "while True:\n"
                + "  c=s.recv(4096)\n"
                + "  if not c: break\n"
                + "  d+=c\n"
                + "print(d[4:].decode())\n";
        Process p = new ProcessBuilder("/usr/bin/setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups",
                "/usr/bin/python3", "-c", client, f.socket.toString()).redirectErrorStream(true).start();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        String out = new String(p.getInputStream().readAllBytes()).trim();
        assertTrue(out.contains("\"code\":\"not_allowed\"") && out.contains("another OS user"), "nobody was told: " + out);
        Files.setPosixFilePermissions(f.socket, PosixFilePermissions.fromString("rw-------"));
    }
}
