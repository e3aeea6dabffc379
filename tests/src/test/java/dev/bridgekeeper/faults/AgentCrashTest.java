package dev.bridgekeeper.faults;

import static dev.bridgekeeper.faults.FaultFixture.await;
import static dev.bridgekeeper.faults.FaultFixture.faults;
import static dev.bridgekeeper.faults.FaultFixture.get;
import static dev.bridgekeeper.faults.FaultFixture.newKey;
import static dev.bridgekeeper.faults.FaultFixture.nextFrame;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bridgekeeper.protocol.Version;
import dev.bridgekeeper.protocol.framing.FrameReader;
import dev.bridgekeeper.protocol.framing.FrameWriter;
import dev.bridgekeeper.agent.internal.ipc.PairingRecord;
import dev.bridgekeeper.noise.HandshakePattern;
import dev.bridgekeeper.noise.HandshakeState;
import dev.bridgekeeper.noise.KeyPair;
import dev.bridgekeeper.agent.internal.secure.NoiseCryptoProvider;
import dev.bridgekeeper.agent.internal.secure.PairingStore;
import dev.bridgekeeper.testing.HostProcess;
import dev.bridgekeeper.testing.TestExtension;
import dev.bridgekeeper.protocol.local.ChannelStreams;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The agent process killed (SIGKILL: no shutdown hook, no cleanup) in the middle of an RPC, a
 * handshake and pairing writes, and a host process killed under a live agent. After each crash
 * the pairing store opens cleanly, the restarted agent replaces the stale socket, and the
 * extensions' hosts report {@code desktop_unavailable}, reconnect by themselves and re-handshake
 * without pairing again.
 */
class AgentCrashTest {
    private FaultFixture f;

    @BeforeEach
    void setUp() throws Exception {
        f = new FaultFixture();
    }

    @AfterEach
    void tearDown() throws Exception {
        f.close();
    }

    /** Waits until {@code e}'s host reported the desktop gone and its client dropped the connection. */
    private static void awaitDisconnected(TestExtension e) throws InterruptedException {
        await(30, () -> "the extension still sees a connection", () -> e.client().connections().isEmpty());
    }

    /** After a restart: {@code e} is ready again and answers, without a new pairing code. */
    private static void assertReconnectedWithoutPairing(TestExtension e, int codesBefore) throws Exception {
        e.awaitReady(60);
        assertEquals(42, get(faults(e).echo(new FaultChannel.Num(42))).n());
        assertEquals(codesBefore, e.ui().codes.size(), "no second pairing after the restart");
    }

    @Test
    void agentKilledMidRpcThenRestarted() throws Exception {
        f.startFaultAgent("--auto-approve");
        TestExtension e = f.viaHost(newKey());
        e.awaitReady(30);
        HostProcess watcher = f.rawHost();
        assertEquals("connected", nextFrame(watcher).path("state").asText());

        CompletableFuture<FaultChannel.Num> inFlight = faults(e).hold();
        await(30, () -> "the hold call never reached the agent", () -> heldNow(e) == 1);
        f.agent.kill();

        ExecutionException failed = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                () -> get(inFlight), "the call in flight fails instead of hanging");
        assertTrue(failed.getCause() instanceof dev.bridgekeeper.agent.internal.ipc.IpcException, String.valueOf(failed.getCause()));
        assertEquals("desktop_unavailable", nextFrame(watcher).path("state").asText());
        awaitDisconnected(e);
        PairingStore store = f.openStore();
        assertEquals(1, store.list().size());
        assertTrue(store.findByKey(e.key().publicKey()).isPresent());

        f.startFaultAgent("--auto-approve"); // Replaces the stale socket file the killed agent left.
        JsonNode again = nextFrame(watcher);
        assertEquals("connected", again.path("state").asText(),
                () -> "the host reconnected by itself; it said " + again + "\n" + watcher.stderr() + "\n" + f.agentLog());
        assertReconnectedWithoutPairing(e, 1);
        assertEquals(0, heldNow(e), "the new agent holds nothing of the old one");
        assertEquals(1, f.openStore().list().size());
    }

    private static long heldNow(TestExtension e) {
        try {
            return get(faults(e).held()).n();
        } catch (Exception notYet) {
            return -1;
        }
    }

    /**
     * A raw initiator (the real Noise code, driven by hand) stops after handshake step 2 and the
     * agent dies before step 3 arrives. The store is byte-for-byte what it was; a paired extension
     * through a real host reconnects to the restarted agent without pairing again.
     */
    @Test
    void agentKilledMidHandshake() throws Exception {
        f.startFaultAgent("--auto-approve");
        TestExtension paired = f.viaHost(newKey());
        paired.awaitReady(30);
        byte[] storeBefore = f.pairingBytes();

        try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(f.socket))) {
            FrameWriter w = new FrameWriter(ChannelStreams.output(ch), 1 << 20);
            FrameReader r = new FrameReader(ChannelStreams.input(ch), 1 << 20);
            w.writeText("{\"type\":\"hello\",\"protocol\":1,\"host\":{\"version\":\"" + Version.VERSION
                    + "\",\"pid\":1},\"caller\":{\"browser\":\"chromium\",\"id\":\"" + FaultFixture.CALLER + "\"}}");
            assertEquals("connected", FaultFixture.JSON.readTree(r.readJsonText()).path("state").asText());
            HandshakeState hs = HandshakeState.initialize(HandshakePattern.parse(NoiseCryptoProvider.PROTOCOL_NAME), true,
                    ("bridgekeeper/1 " + FaultFixture.CALLER).getBytes(StandardCharsets.UTF_8), paired.key(),
                    null, null, null, null);
            w.writeText("{\"type\":\"handshake\",\"step\":1,\"data\":\""
                    + Base64.getEncoder().encodeToString(hs.writeMessage(new byte[0])) + "\"}");
            JsonNode step2 = FaultFixture.JSON.readTree(r.readJsonText());
            assertEquals(2, step2.path("step").asInt(), step2.toString());
            hs.readMessage(Base64.getDecoder().decode(step2.path("data").asText())); // The agent is real.
            f.agent.kill(); // Before step 3.
            assertEquals(-1, r.next(), "the socket ends with the agent");
        }
        awaitDisconnected(paired);
        assertArrayEquals(storeBefore, f.pairingBytes(), "a half-done handshake wrote nothing");
        assertEquals(1, f.openStore().list().size());

        f.startFaultAgent("--auto-approve");
        assertReconnectedWithoutPairing(paired, 1);
    }

    /**
     * Many extensions pair at once (each approval is written to disk before it is acknowledged)
     * and the agent is killed after a random number of acknowledgements, in several rounds. Every
     * time the store opens cleanly and holds every acknowledged pairing; a write cut short leaves
     * only a temporary file, which the next start removes; every acknowledged extension comes back
     * without pairing again.
     */
    @Test
    void agentKilledMidPairingWrites() throws Exception {
        Random random = new Random(7);
        int rounds = Integer.getInteger("bridgekeeper.faults.pairingRounds", 3);
        int perRound = 12;
        int cutShort = 0;
        Set<String> acknowledged = new HashSet<>();
        List<TestExtension> survivors = new ArrayList<>();
        for (int round = 0; round < rounds; round++) {
            f.startFaultAgent("--auto-approve", "--pairings-per-minute", "1000");
            List<TestExtension> pairing = new ArrayList<>();
            for (int i = 0; i < perRound; i++) {
                pairing.add(f.direct(newKey()));
            }
            int killAfter = 1 + random.nextInt(perRound / 2);
            await(60, () -> "fewer than " + killAfter + " pairings were acknowledged",
                    () -> pairing.stream().filter(x -> !x.ui().readies.isEmpty()).count() >= killAfter);
            f.agent.kill();
            List<TestExtension> acked = pairing.stream().filter(x -> !x.ui().readies.isEmpty()).toList();
            if (!f.leftovers().isEmpty()) {
                cutShort++;
            }
            PairingStore store = f.openStore(); // Never a damaged file, whatever the moment of the kill.
            for (TestExtension x : acked) {
                assertTrue(store.findByKey(x.key().publicKey()).isPresent(),
                        "round " + round + ": an acknowledged pairing is on disk");
                acknowledged.add(PairingRecord.fingerprintOf(x.key().publicKey()));
                survivors.add(x);
            }
            assertTrue(f.leftovers().isEmpty(), "opening the store removed the interrupted write's temporary file");
        }
        System.out.println("pairing-write kills: " + rounds + " rounds, " + cutShort
                + " left a write cut short, " + acknowledged.size() + " acknowledged pairings");

        f.startFaultAgent("--auto-approve", "--pairings-per-minute", "1000");
        for (TestExtension x : survivors) {
            // The same extension (key and pinned desktop key) in a new connection.
            TestExtension again = f.direct(x.key(), x.pins());
            again.awaitReady(30);
            assertTrue(again.ui().codes.isEmpty(), "an acknowledged pairing is never asked for again");
        }
        assertTrue(f.openStore().list().size() >= acknowledged.size());
    }

    /**
     * A host process dies (the browser crashed) while its extension has a call in flight: the
     * agent drops that connection and cancels its call; another extension goes on.
     */
    @Test
    void hostKilledUnderALiveAgent() throws Exception {
        f.startFaultAgent("--auto-approve");
        TestExtension doomed = f.viaHost(newKey());
        TestExtension other = f.viaHost(newKey());
        doomed.awaitReady(30);
        other.awaitReady(30);
        CompletableFuture<FaultChannel.Num> inFlight = faults(doomed).hold();
        await(30, () -> "the hold call never reached the agent", () -> heldNow(other) == 1);
        long hostPid = get(faults(doomed).whoami()).hostPid();
        assertTrue(ProcessHandle.of(hostPid).orElseThrow().destroyForcibly());

        await(30, () -> "the agent still runs the dead host's call", () -> heldNow(other) == 0);
        await(30, () -> "the agent still counts the dead host's connection",
                () -> statsOf(other).connections() == 1);
        assertTrue(inFlight.isCompletedExceptionally() || waitsForFailure(inFlight), "the orphaned call failed");
        assertEquals(7, get(faults(other).echo(new FaultChannel.Num(7))).n(), "the other extension goes on");
        assertTrue(f.agent.isAlive());
        assertEquals(2, f.openStore().list().size(), "pairings untouched");
    }

    private static boolean waitsForFailure(CompletableFuture<?> call) {
        try {
            get(call);
            return false;
        } catch (Exception e) {
            return true;
        }
    }

    private static FaultChannel.Stats statsOf(TestExtension e) {
        try {
            return get(faults(e).stats());
        } catch (Exception ex) {
            throw new AssertionError(ex);
        }
    }
}
