package dev.bridgekeeper.faults;

import static dev.bridgekeeper.faults.FaultFixture.nextFrame;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bridgekeeper.protocol.framing.FrameReader;
import dev.bridgekeeper.protocol.framing.FrameWriter;
import dev.bridgekeeper.testing.HostProcess;
import dev.bridgekeeper.agent.internal.transport.LocalConnection;
import dev.bridgekeeper.agent.internal.transport.LocalSocketServer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * How a real host reconnects to an agent that ends its connections at once (found with the
 * fault tests: a refused extension's host reconnected in a tight loop, about 500 times a second,
 * flooding the agent's log and the browser; and a dying agent made it repeat
 * {@code desktop_unavailable}). The stand-in agent here is a bare socket server, so the test
 * decides exactly what each connection gets.
 */
class HostReconnectTest {
    private FaultFixture f;
    private LocalSocketServer server;

    @BeforeEach
    void setUp() throws Exception {
        f = new FaultFixture();
    }

    @AfterEach
    void tearDown() throws Exception {
        if (server != null) {
            server.close();
        }
        f.close();
    }

    private static void readHello(LocalConnection c) throws Exception {
        new FrameReader(c.input(), 1 << 20).readJsonText();
    }

    /** Refused connections are retried after growing pauses: never faster than the backoff. */
    @Test
    void aRefusedHostBacksOffInsteadOfSpinning() throws Exception {
        BlockingQueue<Long> accepted = new LinkedBlockingQueue<>();
        server = LocalSocketServer.start(f.socket, c -> {
            try (c) {
                accepted.add(System.nanoTime());
                readHello(c);
                new FrameWriter(c.output(), 1 << 20).writeText(
                        "{\"type\":\"error\",\"code\":\"not_allowed\",\"message\":\"not on the allow-list\"}");
            } catch (Exception ignored) {
                // The host went away; the test sees it in its own assertions.
            }
        });
        HostProcess host = f.rawHost();
        List<Long> times = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            Long t = accepted.poll(30, TimeUnit.SECONDS);
            assertTrue(t != null, "connection " + i + " came");
            times.add(t);
            assertEquals("not_allowed", nextFrame(host).path("code").asText());
            assertEquals("desktop_unavailable", nextFrame(host).path("state").asText());
        }
        // Our own pauses are a lower bound (never an upper one): 250, 500, 1000 ms.
        for (int i = 1; i < times.size(); i++) {
            long gapMs = TimeUnit.NANOSECONDS.toMillis(times.get(i) - times.get(i - 1));
            assertTrue(gapMs >= 250L << (i - 1), "reconnect " + i + " came after only " + gapMs + " ms");
        }
    }

    /**
     * Connections that end before the agent says anything (an agent dying while it accepts) do
     * not repeat {@code desktop_unavailable}: the extension sees it once, then {@code connected}.
     */
    @Test
    void connectionsThatEndSilentlyDoNotRepeatTheStatus() throws Exception {
        AtomicInteger n = new AtomicInteger();
        server = LocalSocketServer.start(f.socket, c -> {
            try (c) {
                readHello(c);
                if (n.incrementAndGet() > 3) {
                    new FrameWriter(c.output(), 1 << 20).writeText("{\"type\":\"status\",\"state\":\"connected\"}");
                    new FrameReader(c.input(), 1 << 20).next(); // Holds the connection until the host goes.
                }
            } catch (Exception ignored) {
                // The host went away.
            }
        });
        HostProcess host = f.rawHost();
        JsonNode first = nextFrame(host);
        assertEquals("desktop_unavailable", first.path("state").asText());
        JsonNode second = nextFrame(host);
        assertEquals("connected", second.path("state").asText(), "no repeated desktop_unavailable: " + second);
        assertEquals(4, n.get());
    }
}
