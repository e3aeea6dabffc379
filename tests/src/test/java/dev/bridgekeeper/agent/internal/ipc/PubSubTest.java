package dev.bridgekeeper.agent.internal.ipc;

import dev.bridgekeeper.ipc.Endpoint;
import dev.bridgekeeper.ipc.IncomingMessage;
import dev.bridgekeeper.ipc.Source;
import dev.bridgekeeper.ipc.Subscription;
import dev.bridgekeeper.testing.InMemoryHub;

import static dev.bridgekeeper.agent.internal.ipc.IpcTestKit.await;
import static dev.bridgekeeper.agent.internal.ipc.IpcTestKit.json;
import static dev.bridgekeeper.agent.internal.ipc.IpcTestKit.take;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PubSubTest {
    private final IpcTestKit kit = new IpcTestKit();

    @AfterEach
    void tearDown() throws Exception {
        kit.close();
    }

    /** Collects one subscriber's payloads and opens a latch when it sees {"end": true}. */
    private static final class Collector {
        final List<JsonNode> payloads = new CopyOnWriteArrayList<>();
        final List<Source> sources = new CopyOnWriteArrayList<>();
        final CountDownLatch end = new CountDownLatch(1);

        void accept(IncomingMessage m) {
            if (m.payload().path("end").asBoolean()) {
                end.countDown();
            } else {
                payloads.add(m.payload());
                sources.add(m.source());
            }
        }

        List<JsonNode> awaitEnd() {
            await(end);
            return payloads;
        }
    }

    @Test
    void manySubscribersOnManyTopicsEachGetExactlyTheirTopic() throws Exception {
        IpcClient desktop = kit.desktop();
        IpcTestKit.Extension ext = kit.extension("chrome-extension://aaa/");
        Collector oneA = new Collector();
        Collector oneB = new Collector();
        Collector two = new Collector();
        ext.client().subscribe("t.one", oneA::accept);
        ext.client().subscribe("t.one", oneB::accept);
        ext.client().subscribe("t.two", two::accept);
        kit.startAndPair(desktop, ext);

        for (int i = 0; i < 5; i++) {
            desktop.publish("t.one", Map.of("n", i), ext.atDesktop());
            desktop.publish("t.two", Map.of("n", 100 + i), ext.atDesktop());
            desktop.publish("t.three", Map.of("n", -1), ext.atDesktop()); // nobody listens
        }
        desktop.publish("t.one", Map.of("end", true), ext.atDesktop());
        desktop.publish("t.two", Map.of("end", true), ext.atDesktop());

        List<JsonNode> expectedOne = List.of(json("{\"n\":0}"), json("{\"n\":1}"), json("{\"n\":2}"),
                json("{\"n\":3}"), json("{\"n\":4}"));
        assertEquals(expectedOne, oneA.awaitEnd());
        assertEquals(expectedOne, oneB.awaitEnd());
        assertEquals(List.of(json("{\"n\":100}"), json("{\"n\":101}"), json("{\"n\":102}"),
                json("{\"n\":103}"), json("{\"n\":104}")), two.awaitEnd());
        assertEquals(0, ext.client().metrics().subscriberDrops());
    }

    @Test
    void publishToOneConnectionReachesOnlyItAndToAllReachesEveryReadyConnection() throws Exception {
        IpcClient desktop = kit.desktop();
        IpcTestKit.Extension a = kit.extension("chrome-extension://aaa/");
        IpcTestKit.Extension b = kit.extension("chrome-extension://bbb/");
        Collector atA = new Collector();
        Collector atB = new Collector();
        a.client().subscribe("news", atA::accept);
        b.client().subscribe("news", atB::accept);
        kit.startAndPair(desktop, a, b);

        assertEquals(1, desktop.publish("news", Map.of("to", "a"), a.atDesktop()));
        assertEquals(2, desktop.publish("news", Map.of("to", "all"), Endpoint.all()));
        assertEquals(2, desktop.publish("news", Map.of("end", true), Endpoint.all()));

        assertEquals(List.of(json("{\"to\":\"a\"}"), json("{\"to\":\"all\"}")), atA.awaitEnd());
        // Messages on one connection arrive in order, so a leaked "a" message would be here by now.
        assertEquals(List.of(json("{\"to\":\"all\"}")), atB.awaitEnd());
    }

    @Test
    void extensionPublishesToDesktopAndTheDesktopStampsTheSource() throws Exception {
        IpcClient desktop = kit.desktop();
        IpcTestKit.Extension ext = kit.extension(
                new InMemoryHub.PeerDetails("chrome-extension://abc/", "chromium", "carol", 99L), b -> {});
        Collector atDesktop = new Collector();
        desktop.subscribe("ext.hello", atDesktop::accept);
        kit.startAndPair(desktop, ext);

        assertEquals(1, ext.client().publish("ext.hello", Map.of("hi", 1), Endpoint.desktop()));
        ext.client().publish("ext.hello", Map.of("end", true), Endpoint.all());

        assertEquals(List.of(json("{\"hi\":1}")), atDesktop.awaitEnd());
        Source source = atDesktop.sources.get(0);
        assertEquals(ext.atDesktop(), source.endpoint());
        assertEquals("chrome-extension://abc/", source.callerId());
        assertEquals("carol", source.peerUser());
        assertEquals(99L, source.peerPid());
        assertTrue(source.paired());
    }

    @Test
    void aSenderCannotSpoofTheSource() throws Exception {
        IpcClient desktop = kit.desktop();
        BlockingQueue<IncomingMessage> got = new LinkedBlockingQueue<>();
        desktop.subscribe("t", got::add);
        desktop.start();
        IpcTestKit.RawPeer peer = kit.raw("moz-extension:honest@example");

        peer.send("{\"topic\":\"t\",\"payload\":{\"a\":1},\"source\":{\"callerId\":\"chrome-extension://evil/\","
                + "\"endpoint\":\"desktop\",\"peerName\":\"Bank\",\"paired\":true,\"peerPid\":1}}");

        IncomingMessage m = take(got);
        assertEquals(json("{\"a\":1}"), m.payload());
        assertEquals("moz-extension:honest@example", m.source().callerId());
        assertEquals(peer.atDesktop(), m.source().endpoint());
        assertNull(m.source().peerName());
        assertEquals(7L, m.source().peerPid());
        assertEquals("bob", m.source().peerUser());
    }

    record Point(int x, int y) {}

    @Test
    void typedSubscribersGetConvertedPayloadsAndMisfitsAreCountedNotDelivered() throws Exception {
        IpcClient desktop = kit.desktop();
        IpcTestKit.Extension ext = kit.extension("chrome-extension://aaa/");
        BlockingQueue<Point> points = new LinkedBlockingQueue<>();
        BlockingQueue<Source> sources = new LinkedBlockingQueue<>();
        ext.client().subscribe("point", Point.class, (p, s) -> {
            points.add(p);
            sources.add(s);
        });
        kit.startAndPair(desktop, ext);

        desktop.publish("point", new Point(1, 2), ext.atDesktop());
        desktop.publish("point", json("{\"x\":\"not a number\"}"), ext.atDesktop());
        desktop.publish("point", json("{\"x\":3,\"y\":4,\"z\":5}"), ext.atDesktop());

        assertEquals(new Point(1, 2), take(points));
        assertEquals(new Point(3, 4), take(points));
        assertEquals(Endpoint.desktop(), take(sources).endpoint());
        assertEquals(1, ext.client().metrics().malformedMessages());
        assertTrue(points.isEmpty());
    }

    @Test
    void reservedAndMalformedTopicsAreRefusedWithAClearError() throws Exception {
        IpcClient desktop = kit.desktop();
        desktop.start();
        for (String reserved : List.of("rpc.request", "rpc.response", "rpc.cancel", "pairing.commit", "session.ready")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> desktop.subscribe(reserved, m -> {}));
            assertTrue(e.getMessage().contains("reserved"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> desktop.publish(reserved, null, Endpoint.all()));
            assertThrows(IllegalArgumentException.class, () -> desktop.publish(reserved, null, Endpoint.all()));
            assertThrows(IllegalArgumentException.class, () -> desktop.subscribe(reserved, m -> {}));
        }
        for (String malformed : List.of("", "has space", "new\nline", "x".repeat(201))) {
            assertThrows(IllegalArgumentException.class, () -> desktop.subscribe(malformed, m -> {}));
        }
    }

    @Test
    void aSubscriberThatNeverReturnsStallsNoOneElseAndItsDropsAreCounted() throws Exception {
        IpcClient desktop = kit.desktop(b -> b.subscriberQueueSize(2));
        IpcTestKit.Extension ext = kit.extension("chrome-extension://aaa/");
        CountDownLatch stuckEntered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        BlockingQueue<Integer> fast = new LinkedBlockingQueue<>();
        // Subscribed first, so each message is offered to it before the fast one sees it.
        Subscription stuck = desktop.subscribe("tick", m -> {
            stuckEntered.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        Subscription quick = desktop.subscribe("tick", m -> fast.add(m.payload().path("n").asInt()));
        kit.startAndPair(desktop, ext);
        try {
            for (int n = 1; n <= 20; n++) {
                ext.client().publish("tick", Map.of("n", n), Endpoint.desktop());
                assertEquals(n, take(fast)); // the fast subscriber keeps up, in order
                if (n == 1) {
                    await(stuckEntered); // message 1 is now held by the stuck subscriber
                }
            }
            // 1 held, 2 and 3 queued (queue size 2), 4..20 dropped for the stuck subscriber only.
            assertEquals(17, stuck.dropped());
            assertEquals(0, quick.dropped());
            assertEquals(17, desktop.metrics().subscriberDrops());
        } finally {
            release.countDown();
        }
    }

    @Test
    void eventsFromAnUnpairedSessionAreDroppedAndCountedUntilItIsPaired() throws Exception {
        IpcTestKit.ManualPairingProvider crypto = new IpcTestKit.ManualPairingProvider();
        IpcClient desktop = kit.desktop(b -> b.cryptoProvider(crypto));
        BlockingQueue<IncomingMessage> got = new LinkedBlockingQueue<>();
        desktop.subscribe("ext.event", got::add);
        desktop.start();
        IpcTestKit.RawPeer peer = kit.raw("chrome-extension://aaa/");

        peer.send("ext.event", json("{\"n\":1}"));
        peer.roundTrip("d1"); // processed in order: the event was handled before this answer
        assertEquals(1, desktop.metrics().unpairedDrops());
        assertTrue(got.isEmpty());
        assertFalse(desktop.connections().get(0).paired());

        crypto.pair(take(crypto.openedIds), new PeerIdentity("Test Extension", "ab12"));
        Source ready = await(desktop.whenReady(peer.atDesktop()));
        assertEquals("Test Extension", ready.peerName());
        assertEquals("ab12", ready.keyFingerprint());

        peer.send("ext.event", json("{\"n\":2}"));
        IncomingMessage m = take(got);
        assertEquals(json("{\"n\":2}"), m.payload());
        assertTrue(m.source().paired());
        assertEquals("Test Extension", m.source().peerName());
    }

    @Test
    void pairingAndSessionTopicsThatReachTheClientAreDroppedAndCounted() throws Exception {
        IpcClient desktop = kit.desktop();
        desktop.start();
        IpcTestKit.RawPeer peer = kit.raw("chrome-extension://aaa/");
        peer.send("pairing.nonce", json("{\"nonce\":\"AAAA\"}"));
        peer.send("session.ready", json("{\"paired\":true}"));
        peer.roundTrip("d1");
        assertEquals(2, desktop.metrics().reservedTopicDrops());
    }

    @Test
    void publishingToAMissingOrUnpairedEndpointThrowsAndToAllCountsOnlyReadyOnes() throws Exception {
        IpcTestKit.ManualPairingProvider crypto = new IpcTestKit.ManualPairingProvider();
        IpcClient desktop = kit.desktop(b -> b.cryptoProvider(crypto));
        desktop.start();
        IpcTestKit.RawPeer peer = kit.raw("chrome-extension://aaa/");
        peer.roundTrip("d1");

        assertThrows(IpcException.class, () -> desktop.publish("x", null, Endpoint.connection("nope")));
        assertThrows(IpcException.class, () -> desktop.publish("x", null, Endpoint.desktop()));
        IpcException e = assertThrows(IpcException.class, () -> desktop.publish("x", null, peer.atDesktop()));
        assertTrue(e.getMessage().contains("not paired"), e.getMessage());
        assertEquals(0, desktop.publish("x", null, Endpoint.all()));
    }

    @Test
    void eventsReachEverySubscriberUntilItsSubscriptionCloses() throws Exception {
        IpcClient desktop = kit.desktop();
        IpcTestKit.Extension a = kit.extension("chrome-extension://aaa/");
        IpcTestKit.Extension b = kit.extension("chrome-extension://bbb/");
        BlockingQueue<String> atA = new LinkedBlockingQueue<>();
        BlockingQueue<String> atB = new LinkedBlockingQueue<>();
        BlockingQueue<String> atBStays = new LinkedBlockingQueue<>();
        record Locked(String reason) {}
        a.client().subscribe("desktop.locked", Locked.class, (ev, source) -> atA.add(ev.reason()));
        Subscription bListener = b.client().subscribe("desktop.locked", m -> atB.add(m.payload().path("reason").asText()));
        b.client().subscribe("desktop.locked", m -> atBStays.add(m.payload().path("reason").asText()));
        kit.startAndPair(desktop, a, b);

        assertEquals(2, desktop.publish("desktop.locked", new Locked("first"), Endpoint.all()));
        assertEquals("first", take(atA));
        assertEquals("first", take(atB));
        assertEquals("first", take(atBStays));

        bListener.close();
        assertTrue(bListener.isClosed());
        assertEquals(1, desktop.publish("desktop.locked", new Locked("second"), b.atDesktop()));
        assertEquals("second", take(atBStays));
        assertTrue(atB.isEmpty());
        assertTrue(atA.isEmpty());

        // The extension side emits to its only peer, the desktop.
        BlockingQueue<Source> atDesktop = new LinkedBlockingQueue<>();
        desktop.subscribe("ext.ping", m -> atDesktop.add(m.source()));
        assertEquals(1, a.client().publish("ext.ping", null, Endpoint.all()));
        assertEquals(a.atDesktop(), take(atDesktop).endpoint());
    }

    @Test
    void connectionListenersSeeOpenedReadyAndClosedInOrder() throws Exception {
        IpcClient desktop = kit.desktop();
        BlockingQueue<String> events = new LinkedBlockingQueue<>();
        desktop.addConnectionListener(new ConnectionListener() {
            @Override
            public void opened(Source source) {
                events.add("opened " + source.paired());
            }

            @Override
            public void ready(Source source) {
                events.add("ready " + source.paired());
            }

            @Override
            public void closed(Source source) {
                events.add("closed " + source.callerId());
            }
        });
        IpcTestKit.Extension ext = kit.extension("chrome-extension://aaa/");
        kit.startAndPair(desktop, ext);
        assertEquals("opened false", take(events));
        assertEquals("ready true", take(events));
        assertEquals(1, desktop.connections().size());

        ext.client().close();
        assertEquals("closed chrome-extension://aaa/", take(events));
        assertTrue(desktop.connections().isEmpty());
    }
}
