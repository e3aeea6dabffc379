package dev.bridgekeeper.host;

import static dev.bridgekeeper.testing.HostProcess.CHROME_ORIGIN;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bridgekeeper.protocol.framing.FrameReader;
import dev.bridgekeeper.protocol.framing.FrameWriter;
import dev.bridgekeeper.protocol.framing.Frames;
import dev.bridgekeeper.testing.HostProcess;
import dev.bridgekeeper.testing.ShortTempDir;
import dev.bridgekeeper.agent.internal.transport.LocalConnection;
import dev.bridgekeeper.agent.internal.transport.LocalSocketServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Real host processes, spawned as a browser spawns them, against a real socket server. */
class HostProcessTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CONNECTED = "{\"type\":\"status\",\"state\":\"connected\"}";

    private ShortTempDir dir;
    private Path socket;
    private final List<AutoCloseable> cleanup = new ArrayList<>();

    /** The agent side of one accepted connection, driven by the test. */
    static final class Peer {
        final LocalConnection conn;
        final FrameReader reader;
        final FrameWriter writer;

        Peer(LocalConnection conn) {
            this.conn = conn;
            this.reader = new FrameReader(conn.input(), 64 * 1024 * 1024);
            this.writer = new FrameWriter(conn.output(), 64 * 1024 * 1024);
        }

        JsonNode readJson() throws IOException {
            return JSON.readTree(reader.readJsonText());
        }
    }

    @BeforeEach
    void setUp() throws IOException {
        dir = new ShortTempDir();
        socket = dir.resolve("agent.sock");
    }

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable c : cleanup) {
            c.close();
        }
        dir.close();
    }

    private BlockingQueue<Peer> startAgent() throws IOException {
        BlockingQueue<Peer> peers = new LinkedBlockingQueue<>();
        LocalSocketServer server = LocalSocketServer.start(socket, c -> peers.add(new Peer(c)));
        cleanup.add(0, server);
        return peers;
    }

    private HostProcess host(String... args) throws IOException {
        HostProcess h = HostProcess.start(socket, args);
        cleanup.add(h);
        return h;
    }

    private static JsonNode json(String s) throws IOException {
        return JSON.readTree(s);
    }

    @Test
    void noAgentMeansDesktopUnavailableThenConnectsWhenTheSocketAppears() throws Exception {
        HostProcess h = host(CHROME_ORIGIN);
        JsonNode first = json(h.nextFrame(10, SECONDS));
        assertEquals("status", first.get("type").asText());
        assertEquals("desktop_unavailable", first.get("state").asText());

        BlockingQueue<Peer> peers = startAgent();
        Peer p = peers.poll(10, SECONDS);
        assertNotNull(p, "host connected once the socket appeared");
        JsonNode hello = p.readJson();
        assertEquals("hello", hello.get("type").asText());
        assertEquals(1, hello.get("protocol").asInt());
        assertEquals(CHROME_ORIGIN, hello.get("caller").get("id").asText());
        assertEquals("chromium", hello.get("caller").get("browser").asText());
        assertEquals(h.process().pid(), hello.get("host").get("pid").asLong());
        p.writer.writeText(CONNECTED);
        assertEquals("connected", json(h.nextFrame(10, SECONDS)).get("state").asText());
    }

    @Test
    void firefoxCallerReachesTheAgent() throws Exception {
        BlockingQueue<Peer> peers = startAgent();
        host("/home/u/.mozilla/native-messaging-hosts/dev.bridgekeeper.host.json", "sample@bridgekeeper.dev");
        JsonNode hello = peers.poll(10, SECONDS).readJson();
        assertEquals("firefox", hello.get("caller").get("browser").asText());
        assertEquals("moz-extension:sample@bridgekeeper.dev", hello.get("caller").get("id").asText());
    }

    @Test
    void relaysAThousandFramesInOrderBothWays() throws Exception {
        BlockingQueue<Peer> peers = startAgent();
        HostProcess h = host(CHROME_ORIGIN);
        Peer p = peers.poll(10, SECONDS);
        p.readJson();
        for (int i = 0; i < 1000; i++) {
            h.send("{\"n\":" + i + "}");
        }
        for (int i = 0; i < 1000; i++) {
            assertEquals(i, p.readJson().get("n").asInt());
        }
        for (int i = 0; i < 1000; i++) {
            p.writer.writeText("{\"m\":" + i + "}");
        }
        for (int i = 0; i < 1000; i++) {
            assertEquals(i, json(h.nextFrame(10, SECONDS)).get("m").asInt());
        }
    }

    @Test
    void oneMebibyteFramesPassVerbatimInBothDirections() throws Exception {
        BlockingQueue<Peer> peers = startAgent();
        HostProcess h = host(CHROME_ORIGIN);
        Peer p = peers.poll(10, SECONDS);
        p.readJson();
        byte[] big = bigJson(Frames.MAX_TO_BROWSER);
        h.send(big);
        assertArrayEquals(big, p.reader.readFrame());
        p.writer.write(big);
        assertArrayEquals(big, h.nextFrameBytes(10, SECONDS));
    }

    @Test
    void anAgentFrameOverTheBrowserLimitIsRefusedAndReported() throws Exception {
        BlockingQueue<Peer> peers = startAgent();
        HostProcess h = host(CHROME_ORIGIN);
        Peer p = peers.poll(10, SECONDS);
        p.readJson();
        // The host refuses on the length prefix and hangs up, so this write may break midway.
        Thread writer = new Thread(() -> {
            try {
                p.writer.write(bigJson(Frames.MAX_TO_BROWSER + 1));
            } catch (IOException expected) {
                // Broken pipe once the host has hung up.
            }
        });
        writer.start();
        JsonNode err = p.readJson();
        assertEquals("error", err.get("type").asText());
        assertEquals("frame_too_large", err.get("code").asText());
        assertEquals("desktop_unavailable", json(h.nextFrame(10, SECONDS)).get("state").asText());
        // ...and the host connects again: the extension can start over.
        assertEquals("hello", peers.poll(10, SECONDS).readJson().get("type").asText());
    }

    @Test
    void agentDisappearingMidStreamIsReportedAndTheHostReconnects() throws Exception {
        BlockingQueue<Peer> peers = startAgent();
        HostProcess h = host(CHROME_ORIGIN);
        Peer p = peers.poll(10, SECONDS);
        p.readJson();
        p.writer.writeText(CONNECTED);
        assertEquals("connected", json(h.nextFrame(10, SECONDS)).get("state").asText());
        // Half a frame, then the agent dies: the browser must never see the half.
        p.conn.output().write(new byte[] {100, 0, 0, 0, '{'});
        p.conn.close();
        JsonNode gone = json(h.nextFrame(10, SECONDS));
        assertEquals("desktop_unavailable", gone.get("state").asText());
        Peer again = peers.poll(10, SECONDS);
        assertNotNull(again, "host reconnected to the agent");
        assertEquals("hello", again.readJson().get("type").asText());
        h.send("{\"after\":true}");
        assertTrue(again.readJson().get("after").asBoolean());
    }

    @Test
    void agentRestartIsFollowedByAutomaticReconnection() throws Exception {
        BlockingQueue<Peer> peers = new LinkedBlockingQueue<>();
        LocalSocketServer server = LocalSocketServer.start(socket, c -> peers.add(new Peer(c)));
        HostProcess h = host(CHROME_ORIGIN);
        Peer first = peers.poll(10, SECONDS);
        first.readJson();
        // The agent stops: its listener and socket file go, and so does the open connection.
        server.close();
        first.conn.close();
        assertEquals("desktop_unavailable", json(h.nextFrame(10, SECONDS)).get("state").asText());
        LocalSocketServer again = LocalSocketServer.start(socket, c -> peers.add(new Peer(c)));
        cleanup.add(0, again);
        Peer p = peers.poll(10, SECONDS);
        assertNotNull(p);
        assertEquals("hello", p.readJson().get("type").asText());
    }

    @Test
    void endOfStdinEndsTheHostWithExitZero() throws Exception {
        HostProcess h = host(CHROME_ORIGIN);
        h.nextFrame(10, SECONDS);
        h.closeStdin();
        assertEquals(0, h.waitForExit(10, SECONDS));
        assertTrue(h.stdoutEndedCleanly(5, SECONDS), "nothing but whole frames on stdout");
    }

    @Test
    void endOfStdinWhileConnectedAlsoExitsZero() throws Exception {
        BlockingQueue<Peer> peers = startAgent();
        HostProcess h = host(CHROME_ORIGIN);
        Peer p = peers.poll(10, SECONDS);
        p.readJson();
        h.closeStdin();
        assertEquals(0, h.waitForExit(10, SECONDS));
        assertEquals(-1, p.reader.next(), "the agent sees the connection end");
    }

    @Test
    void badArgumentsExitNonZeroWithAMessageAndNothingOnStdout() throws Exception {
        HostProcess h = host("https://evil.example/");
        assertEquals(2, h.waitForExit(10, SECONDS));
        assertTrue(h.stdoutEndedCleanly(5, SECONDS));
        assertTrue(h.stderr().contains("not a valid Chromium extension origin")
                || h.stderr().contains("unrecognised arguments"), h.stderr());
    }

    @Test
    void aMalformedBrowserFrameGetsAnErrorAndEndsTheHost() throws Exception {
        BlockingQueue<Peer> peers = startAgent();
        HostProcess h = host(CHROME_ORIGIN);
        peers.poll(10, SECONDS).readJson();
        h.sendRaw(new byte[] {0, 0, 0, 0});
        JsonNode err = json(h.nextFrame(10, SECONDS));
        assertEquals("error", err.get("type").asText());
        assertEquals("protocol_error", err.get("code").asText());
        assertEquals(1, h.waitForExit(10, SECONDS));
    }

    @Test
    void anOversizeBrowserFrameIsRefusedWithoutReadingIt() throws Exception {
        HostProcess h = HostProcess.start(socket, List.of(), System.getProperty("bridgekeeper.hostJar"),
                Map.of("BRIDGEKEEPER_MAX_FRAME", "2048"), CHROME_ORIGIN);
        cleanup.add(h);
        h.nextFrame(10, SECONDS);
        h.sendRaw(new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF});
        JsonNode err = json(h.nextFrame(10, SECONDS));
        assertEquals("frame_too_large", err.get("code").asText());
        assertEquals(1, h.waitForExit(10, SECONDS));
    }

    @Test
    void theHostLoadsNoJsonCryptoNativeOrLoggingLibrary() throws Exception {
        BlockingQueue<Peer> peers = startAgent();
        HostProcess h = HostProcess.start(socket, List.of("-Xlog:class+load=info:stderr"),
                HostProcess.fullClassPath(), Map.of(), CHROME_ORIGIN);
        cleanup.add(h);
        Peer p = peers.poll(10, SECONDS);
        p.readJson();
        p.writer.writeText(CONNECTED);
        h.nextFrame(10, SECONDS);
        h.send("{\"x\":1}");
        p.readJson();
        h.closeStdin();
        h.waitForExit(10, SECONDS);
        String log = h.stderr();
        assertTrue(log.contains("dev.bridgekeeper.host.HostRelay"), "class loading was logged");
        for (String heavy : List.of("com.fasterxml", "org.bouncycastle", "com.sun.jna", "org.slf4j")) {
            assertTrue(!log.contains(heavy), "host loaded " + heavy);
        }
    }

    /** A JSON object of exactly {@code size} bytes. */
    static byte[] bigJson(int size) {
        byte[] b = new byte[size];
        Arrays.fill(b, (byte) 'a');
        byte[] head = "{\"pad\":\"".getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(head, 0, b, 0, head.length);
        b[size - 2] = '"';
        b[size - 1] = '}';
        new Random(1).ints(size / 100, head.length, size - 2).forEach(i -> b[i] = (byte) ('a' + i % 26));
        return b;
    }
}
