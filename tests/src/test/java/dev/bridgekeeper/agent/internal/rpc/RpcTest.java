package dev.bridgekeeper.agent.internal.rpc;

import dev.bridgekeeper.ipc.RpcErrorCode;
import dev.bridgekeeper.ipc.RpcException;

import static dev.bridgekeeper.agent.internal.ipc.IpcTestKit.await;
import static dev.bridgekeeper.agent.internal.ipc.IpcTestKit.failure;
import static dev.bridgekeeper.agent.internal.ipc.IpcTestKit.json;
import static dev.bridgekeeper.agent.internal.ipc.IpcTestKit.take;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.bridgekeeper.ipc.Endpoint;
import dev.bridgekeeper.agent.internal.ipc.IpcClient;
import dev.bridgekeeper.agent.internal.ipc.IpcClosedException;
import dev.bridgekeeper.agent.internal.ipc.IpcException;
import dev.bridgekeeper.agent.internal.ipc.IpcTestKit;
import dev.bridgekeeper.agent.internal.ipc.PeerIdentity;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class RpcTest {
    private static final Duration SHORT = Duration.ofMillis(150);
    private final IpcTestKit kit = new IpcTestKit();

    @AfterEach
    void tearDown() throws Exception {
        kit.close();
    }

    private static RpcException rpcFailure(CompletableFuture<?> future, RpcErrorCode expected) {
        RpcException e = assertInstanceOf(RpcException.class, failure(future));
        assertEquals(expected.code(), e.code(), () -> "got " + e);
        assertEquals(expected, e.errorCode().orElseThrow());
        return e;
    }

    private static void assertError(JsonNode message, String id, RpcErrorCode code) {
        assertEquals("rpc.response", message.path("topic").asText(), message::toString);
        JsonNode payload = message.get("payload");
        if (id == null) {
            assertTrue(payload.get("id").isNull(), message::toString);
        } else {
            assertEquals(id, payload.get("id").asText(), message::toString);
        }
        assertEquals(code.code(), payload.path("error").path("code").asInt(), message::toString);
        assertFalse(payload.has("result"), message::toString);
    }

    // ---------------------------------------------------------------- success paths

    @Test
    void aCallReturnsTheHandlersResultInBothDirections() throws Exception {
        IpcClient desktop = kit.desktop();
        IpcTestKit.Extension ext = kit.extension("chrome-extension://aaa/");
        desktop.register("text.upper", (params, ctx) -> params.get("text").asText().toUpperCase());
        ext.client().register("ext.whoami", (params, ctx) -> Map.of("from", ctx.source().endpoint().toString()));
        kit.startAndPair(desktop, ext);

        assertEquals(new TextNode("HELLO"),
                await(ext.client().call(Endpoint.desktop(), "text.upper", json("{\"text\":\"hello\"}"))));
        assertEquals(json("{\"from\":\"desktop\"}"), await(desktop.call(ext.atDesktop(), "ext.whoami", null)));
    }

    @Test
    void theHandlerSeesTheCallerAsTheReceiverEstablishedIt() throws Exception {
        IpcClient desktop = kit.desktop();
        IpcTestKit.Extension ext = kit.extension("chrome-extension://caller/");
        desktop.register("who", (params, ctx) -> CompletableFuture.completedFuture(Map.of(
                "caller", ctx.source().callerId(), "method", ctx.method(), "id", ctx.requestId())));
        kit.startAndPair(desktop, ext);

        JsonNode result = await(ext.client().call(Endpoint.desktop(), "who", null));
        assertEquals("chrome-extension://caller/", result.get("caller").asText());
        assertEquals("who", result.get("method").asText());
        assertFalse(result.get("id").asText().isEmpty());
    }

    @Test
    void concurrentCallsRunTogetherAndCompleteOutOfOrder() throws Exception {
        IpcClient desktop = kit.desktop();
        IpcTestKit.Extension ext = kit.extension("chrome-extension://aaa/");
        CountDownLatch allStarted = new CountDownLatch(3);
        Map<Integer, CompletableFuture<String>> results = new ConcurrentHashMap<>();
        desktop.register("slow.wait", (params, ctx) -> {
            CompletableFuture<String> result = new CompletableFuture<>();
            results.put(params.get("n").asInt(), result);
            allStarted.countDown();
            return result;
        });
        kit.startAndPair(desktop, ext);

        CompletableFuture<JsonNode> one = ext.client().call(Endpoint.desktop(), "slow.wait", json("{\"n\":1}"));
        CompletableFuture<JsonNode> two = ext.client().call(Endpoint.desktop(), "slow.wait", json("{\"n\":2}"));
        CompletableFuture<JsonNode> three = ext.client().call(Endpoint.desktop(), "slow.wait", json("{\"n\":3}"));
        await(allStarted); // a serial dispatcher would never get here

        results.get(3).complete("third");
        assertEquals(new TextNode("third"), await(three));
        assertFalse(one.isDone());
        assertFalse(two.isDone());
        results.get(1).complete("first");
        assertEquals(new TextNode("first"), await(one));
        assertFalse(two.isDone());
        results.get(2).complete("second");
        assertEquals(new TextNode("second"), await(two));
    }

    @Test
    void aBlockingHandlerDoesNotHoldUpOthers() throws Exception {
        IpcClient desktop = kit.desktop();
        IpcTestKit.Extension ext = kit.extension("chrome-extension://aaa/");
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch blocked = new CountDownLatch(1);
        desktop.register("blocking", (params, ctx) -> {
            blocked.countDown();
            release.await(); // holds its thread like a synchronous OS prompt
            return "done";
        });
        desktop.register("quick", (params, ctx) -> "quick");
        kit.startAndPair(desktop, ext);
        try {
            CompletableFuture<JsonNode> slow = ext.client().call(Endpoint.desktop(), "blocking", null);
            await(blocked);
            assertEquals(new TextNode("quick"), await(ext.client().call(Endpoint.desktop(), "quick", null)));
            assertFalse(slow.isDone());
            release.countDown();
            assertEquals(new TextNode("done"), await(slow));
        } finally {
            release.countDown();
        }
    }

    // ---------------------------------------------------------------- error codes

    @Test
    void aHandlerFailureIsInternalErrorWithoutStackTraceOrSecretOnTheWire() throws Exception {
        IpcClient desktop = kit.desktop();
        desktop.register("boom", (params, ctx) -> {
            throw new IllegalStateException("SECRET-KEY-123 leaked");
        });
        desktop.register("boom.async", (params, ctx) ->
                CompletableFuture.failedFuture(new RuntimeException("SECRET-KEY-456 leaked")));
        desktop.start();
        IpcTestKit.RawPeer peer = kit.raw("chrome-extension://aaa/");

        for (String method : List.of("boom", "boom.async")) {
            peer.send("{\"topic\":\"rpc.request\",\"payload\":{\"id\":\"" + method + "\",\"method\":\"" + method + "\"}}");
            String wire = peer.nextText();
            JsonNode response = json(wire);
            assertError(response, method, RpcErrorCode.INTERNAL_ERROR);
            assertEquals("internal error", response.at("/payload/error/message").asText());
            assertFalse(wire.contains("SECRET"), wire);
            assertFalse(wire.contains("Exception"), wire);
            assertFalse(wire.contains("at dev."), wire);
        }
        assertEquals(2, desktop.metrics().handlerFailures());
    }

    @Test
    void aCallerSeesInternalErrorForAFailingHandler() throws Exception {
        IpcClient desktop = kit.desktop();
        IpcTestKit.Extension ext = kit.extension("chrome-extension://aaa/");
        desktop.register("boom", (params, ctx) -> {
            throw new NullPointerException("secret detail");
        });
        kit.startAndPair(desktop, ext);
        RpcException e = rpcFailure(ext.client().call(Endpoint.desktop(), "boom", null), RpcErrorCode.INTERNAL_ERROR);
        assertEquals("internal error", e.getMessage());
    }

    @ParameterizedTest
    @EnumSource(RpcErrorCode.class)
    void everyCodeAHandlerThrowsReachesTheCallerWithMessageAndData(RpcErrorCode code) throws Exception {
        IpcClient desktop = kit.desktop();
        IpcTestKit.Extension ext = kit.extension("chrome-extension://aaa/");
        desktop.register("fails", (params, ctx) -> {
            throw new RpcException(code, "because " + code.wireName(), json("{\"status\":\"setup_needed\"}"));
        });
        kit.startAndPair(desktop, ext);

        RpcException e = rpcFailure(ext.client().call(Endpoint.desktop(), "fails", null), code);
        assertEquals("because " + code.wireName(), e.getMessage());
        assertEquals(json("{\"status\":\"setup_needed\"}"), e.data());
    }

    @Test
    void anUnknownMethodIsMethodNotFound() throws Exception {
        IpcClient desktop = kit.desktop();
        IpcTestKit.Extension ext = kit.extension("chrome-extension://aaa/");
        kit.startAndPair(desktop, ext);
        rpcFailure(ext.client().call(Endpoint.desktop(), "no.such", null), RpcErrorCode.METHOD_NOT_FOUND);
    }

    @Test
    void registeringAMethodTwiceOrTheBuiltInDiscoverFails() throws Exception {
        IpcClient desktop = kit.desktop();
        desktop.register("once", (params, ctx) -> null);
        IllegalStateException twice = assertThrows(IllegalStateException.class,
                () -> desktop.register("once", (params, ctx) -> null));
        assertTrue(twice.getMessage().contains("once"), twice.getMessage());
        assertThrows(IllegalStateException.class, () -> desktop.register("ipc.discover", (params, ctx) -> null));
        assertThrows(IllegalArgumentException.class, () -> desktop.register("with space", (params, ctx) -> null));
    }

    @Test
    void malformedRequestsAreInvalidRequestAnsweredWithTheirIdWhenReadable() throws Exception {
        IpcClient desktop = kit.desktop();
        desktop.register("ok", (params, ctx) -> "ok");
        desktop.start();
        IpcTestKit.RawPeer peer = kit.raw("chrome-extension://aaa/");

        peer.send("rpc.request", json("[1,2]"));
        assertError(peer.next(), null, RpcErrorCode.INVALID_REQUEST);
        peer.send("rpc.request", json("{\"method\":\"ok\"}"));
        assertError(peer.next(), null, RpcErrorCode.INVALID_REQUEST);
        peer.send("rpc.request", json("{\"id\":7,\"method\":\"ok\"}"));
        assertError(peer.next(), null, RpcErrorCode.INVALID_REQUEST);
        peer.send("rpc.request", json("{\"id\":\"" + "x".repeat(129) + "\",\"method\":\"ok\"}"));
        assertError(peer.next(), null, RpcErrorCode.INVALID_REQUEST);
        peer.send("rpc.request", json("{\"id\":\"r1\"}"));
        assertError(peer.next(), "r1", RpcErrorCode.INVALID_REQUEST);
        peer.send("rpc.request", json("{\"id\":\"r2\",\"method\":42}"));
        assertError(peer.next(), "r2", RpcErrorCode.INVALID_REQUEST);
        // A message without a valid topic is not an IPC message at all.
        peer.send("{\"payload\":{}}");
        assertError(peer.next(), null, RpcErrorCode.INVALID_REQUEST);
        peer.send("[\"topic\"]");
        assertError(peer.next(), null, RpcErrorCode.INVALID_REQUEST);
        // The connection still works.
        peer.send("rpc.request", json("{\"id\":\"r3\",\"method\":\"ok\"}"));
        assertEquals("ok", peer.next().at("/payload/result").asText());
        assertEquals(2, desktop.metrics().malformedMessages());
    }

    @Test
    void bytesThatAreNotJsonGetParseError() throws Exception {
        IpcClient desktop = kit.desktop();
        desktop.start();
        IpcTestKit.RawPeer peer = kit.raw("chrome-extension://aaa/");

        peer.send("{\"topic\":\"rpc.request\",\"payload\":{\"id\":\"1\"");
        assertError(peer.next(), null, RpcErrorCode.PARSE_ERROR);
        peer.send(new byte[] {'{', '"', 't', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'}); // invalid UTF-8
        assertError(peer.next(), null, RpcErrorCode.PARSE_ERROR);
        peer.send("{\"topic\":\"a\",\"topic\":\"rpc.request\",\"payload\":{}}"); // duplicate key
        assertError(peer.next(), null, RpcErrorCode.PARSE_ERROR);
        peer.send("{\"topic\":\"a\",\"payload\":{}} trailing");
        assertError(peer.next(), null, RpcErrorCode.PARSE_ERROR);
        peer.roundTrip("still-open");
    }

    @Test
    void paramsThatAreNotAnObjectAreInvalidParams() throws Exception {
        IpcClient desktop = kit.desktop();
        desktop.register("takes.object", (params, ctx) -> "ok");
        desktop.start();
        IpcTestKit.RawPeer peer = kit.raw("chrome-extension://aaa/");

        peer.send("rpc.request", json("{\"id\":\"p1\",\"method\":\"takes.object\",\"params\":[1]}"));
        assertError(peer.next(), "p1", RpcErrorCode.INVALID_PARAMS);
        peer.send("rpc.request", json("{\"id\":\"p2\",\"method\":\"takes.object\",\"params\":\"text\"}"));
        assertError(peer.next(), "p2", RpcErrorCode.INVALID_PARAMS);
        // A handler can refuse params it cannot use with the same code.
        desktop.register("needs.n", (params, ctx) -> {
            if (params == null || !params.path("n").isInt()) {
                throw new RpcException(RpcErrorCode.INVALID_PARAMS, "n must be an integer");
            }
            return params.get("n").asInt() * 2;
        });
        peer.send("rpc.request", json("{\"id\":\"p3\",\"method\":\"needs.n\",\"params\":{\"n\":\"x\"}}"));
        assertError(peer.next(), "p3", RpcErrorCode.INVALID_PARAMS);
        peer.send("rpc.request", json("{\"id\":\"p4\",\"method\":\"needs.n\",\"params\":{\"n\":21}}"));
        assertEquals(42, peer.next().at("/payload/result").asInt());
    }

    @Test
    void beforePairingOnlyDiscoverIsServedAndEverythingElseIsNotPaired() throws Exception {
        IpcTestKit.ManualPairingProvider crypto = new IpcTestKit.ManualPairingProvider();
        IpcClient desktop = kit.desktop(b -> b.cryptoProvider(crypto));
        desktop.register("secret.get", (params, ctx) -> "the secret");
        desktop.start();
        IpcTestKit.RawPeer peer = kit.raw("chrome-extension://aaa/");

        peer.send("rpc.request", json("{\"id\":\"s1\",\"method\":\"secret.get\"}"));
        assertError(peer.next(), "s1", RpcErrorCode.NOT_PAIRED);
        peer.send("rpc.request", json("{\"id\":\"s2\",\"method\":\"no.such.method\"}"));
        assertError(peer.next(), "s2", RpcErrorCode.NOT_PAIRED); // no hint which methods exist
        assertEquals(1, peer.roundTrip("d1").at("/result/protocol").asInt());

        crypto.pair(take(crypto.openedIds), PeerIdentity.ANONYMOUS);
        await(desktop.whenReady(peer.atDesktop()));
        peer.send("rpc.request", json("{\"id\":\"s3\",\"method\":\"secret.get\"}"));
        assertEquals("the secret", peer.next().at("/payload/result").asText());
    }

    @Test
    void anUnpairedCallerRefusesLocallyExceptDiscover() throws Exception {
        IpcClient desktop = kit.desktop();
        desktop.register("anything", (params, ctx) -> "x");
        IpcTestKit.ManualPairingProvider crypto = new IpcTestKit.ManualPairingProvider();
        IpcTestKit.Extension ext = kit.extension(
                new dev.bridgekeeper.testing.InMemoryHub.PeerDetails("chrome-extension://aaa/", null, null, null),
                b -> b.cryptoProvider(crypto));
        CountDownLatch opened = new CountDownLatch(1);
        ext.client().addConnectionListener(new dev.bridgekeeper.agent.internal.ipc.ConnectionListener() {
            @Override
            public void opened(dev.bridgekeeper.ipc.Source source) {
                opened.countDown();
            }
        });
        desktop.start();
        ext.client().start();
        await(opened);
        String id = take(crypto.openedIds);

        rpcFailure(ext.client().call(Endpoint.desktop(), "anything", null), RpcErrorCode.NOT_PAIRED);
        assertEquals("test-desktop", await(ext.client().discover(Endpoint.desktop())).at("/desktop/name").asText());

        crypto.pair(id, PeerIdentity.ANONYMOUS);
        await(ext.client().whenReady(Endpoint.desktop()));
        assertEquals(new TextNode("x"), await(ext.client().call(Endpoint.desktop(), "anything", null)));
    }

    // ---------------------------------------------------------------- deadlines and cancellation

    @Test
    void aCallPastItsDeadlineFailsWithTimeoutAndTheHandlerIsCancelled() throws Exception {
        IpcClient desktop = kit.desktop();
        IpcTestKit.Extension ext = kit.extension("chrome-extension://aaa/");
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch handlerCancelled = new CountDownLatch(1);
        desktop.register("never", (params, ctx) -> {
            ctx.onCancel(handlerCancelled::countDown);
            started.countDown();
            return new CompletableFuture<>();
        });
        kit.startAndPair(desktop, ext);

        CompletableFuture<JsonNode> call = ext.client().call(Endpoint.desktop(), "never", null, SHORT);
        RpcException e = rpcFailure(call, RpcErrorCode.TIMEOUT);
        assertTrue(e.getMessage().contains("never"), e.getMessage());
        // The caller sent rpc.cancel before failing the call; the desktop answered it "cancelled"
        // ahead of this discover, and the caller dropped that late answer.
        await(ext.client().discover(Endpoint.desktop()));
        assertEquals(1, ext.client().metrics().unknownResponses());
        if (started.getCount() == 0) {
            await(handlerCancelled); // a handler that had started was told to stop
        }
    }

    @Test
    void cancellingTheFutureSendsCancelToTheHandler() throws Exception {
        IpcClient desktop = kit.desktop();
        IpcTestKit.Extension ext = kit.extension("chrome-extension://aaa/");
        CountDownLatch started = new CountDownLatch(1);
        CompletableFuture<Object> handlerFuture = new CompletableFuture<>();
        BlockingQueue<Boolean> sawCancelled = new LinkedBlockingQueue<>();
        desktop.register("prompt", (params, ctx) -> {
            ctx.whenCancelled().thenRun(() -> sawCancelled.add(ctx.isCancelled()));
            started.countDown();
            return handlerFuture;
        });
        kit.startAndPair(desktop, ext);

        CompletableFuture<JsonNode> call = ext.client().call(Endpoint.desktop(), "prompt", null);
        await(started);
        assertTrue(call.cancel(true));
        assertTrue(take(sawCancelled));
        // The handler's own future is cancelled too.
        assertInstanceOf(java.util.concurrent.CancellationException.class, failure(handlerFuture));
    }

    @Test
    void rpcCancelIsAnsweredCancelledExactlyOnce() throws Exception {
        IpcClient desktop = kit.desktop();
        CompletableFuture<Object> handlerFuture = new CompletableFuture<>();
        CountDownLatch started = new CountDownLatch(1);
        desktop.register("prompt", (params, ctx) -> {
            started.countDown();
            return handlerFuture.thenApply(x -> x); // a dependent, so the original stays completable
        });
        desktop.start();
        IpcTestKit.RawPeer peer = kit.raw("chrome-extension://aaa/");

        peer.send("rpc.request", json("{\"id\":\"c1\",\"method\":\"prompt\"}"));
        await(started);
        peer.send("rpc.cancel", json("{\"id\":\"c1\"}"));
        assertError(peer.next(), "c1", RpcErrorCode.CANCELLED);
        handlerFuture.complete("too late"); // must not produce a second response
        peer.send("rpc.cancel", json("{\"id\":\"c1\"}")); // nor must a second cancel
        peer.roundTrip("after");
    }

    @Test
    void theServerSideEndsARequestAtItsOwnDeadlineOrWhenTheHandlerGivesUp() throws Exception {
        IpcClient desktop = kit.desktop(b -> b.defaultDeadline(SHORT));
        IpcTestKit.Extension ext = kit.extension("chrome-extension://aaa/");
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch handlerCancelled = new CountDownLatch(1);
        desktop.register("stuck", (params, ctx) -> {
            ctx.onCancel(handlerCancelled::countDown);
            started.countDown();
            return new CompletableFuture<>();
        });
        desktop.register("gives.up", (params, ctx) -> {
            CompletableFuture<Object> f = new CompletableFuture<>();
            f.cancel(false);
            return f;
        });
        kit.startAndPair(desktop, ext);

        // The caller would wait 10 s; the desktop's 150 ms handler deadline answers first.
        rpcFailure(ext.client().call(Endpoint.desktop(), "stuck", null, Duration.ofSeconds(10)), RpcErrorCode.TIMEOUT);
        if (started.getCount() == 0) {
            await(handlerCancelled); // (a handler not yet started when the deadline passed never runs)
        }
        rpcFailure(ext.client().call(Endpoint.desktop(), "gives.up", null, Duration.ofSeconds(10)), RpcErrorCode.CANCELLED);
    }

    @Test
    void theDefaultDeadlineOutlastsABiometricPrompt() {
        assertTrue(IpcClient.DEFAULT_DEADLINE.compareTo(Duration.ofSeconds(60)) > 0);
    }

    // ---------------------------------------------------------------- lifecycle and correlation

    @Test
    void closingTheClientFailsPendingCallsAtOnceAndCancelsThePeersHandler() throws Exception {
        IpcClient desktop = kit.desktop();
        IpcTestKit.Extension ext = kit.extension("chrome-extension://aaa/");
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch handlerCancelled = new CountDownLatch(1);
        desktop.register("forever", (params, ctx) -> {
            ctx.onCancel(handlerCancelled::countDown);
            started.countDown();
            return new CompletableFuture<>();
        });
        kit.startAndPair(desktop, ext);

        CompletableFuture<JsonNode> call = ext.client().call(Endpoint.desktop(), "forever", null);
        await(started);
        ext.client().close();
        assertTrue(call.isCompletedExceptionally()); // failed before close() returned
        assertInstanceOf(IpcClosedException.class, failure(call));
        await(handlerCancelled); // the connection closed on the desktop side
        ext.client().close(); // idempotent
        assertInstanceOf(IpcClosedException.class, failure(ext.client().call(Endpoint.desktop(), "forever", null)));
    }

    @Test
    void aConnectionThatClosesFailsItsPendingCalls() throws Exception {
        IpcClient desktop = kit.desktop();
        desktop.start();
        IpcTestKit.RawPeer peer = kit.raw("chrome-extension://aaa/");
        peer.roundTrip("d1");

        CompletableFuture<JsonNode> call = desktop.call(peer.atDesktop(), "ext.method", null);
        assertEquals("ext.method", peer.next().at("/payload/method").asText());
        peer.backend.close();
        Throwable e = failure(call);
        assertInstanceOf(IpcException.class, e);
        assertFalse(e instanceof RpcException || e instanceof IpcClosedException, e.toString());
    }

    @Test
    void responsesAreMatchedPerConnectionSoAnotherPeerCannotAnswerAndUnknownOnesAreCounted() throws Exception {
        IpcClient desktop = kit.desktop();
        desktop.start();
        IpcTestKit.RawPeer a = kit.raw("chrome-extension://aaa/");
        IpcTestKit.RawPeer b = kit.raw("chrome-extension://bbb/");
        a.roundTrip("a0");
        b.roundTrip("b0");

        CompletableFuture<JsonNode> call = desktop.call(a.atDesktop(), "ext.value", null);
        JsonNode request = a.next();
        String id = request.at("/payload/id").asText();

        b.send("rpc.response", json("{\"id\":\"" + id + "\",\"result\":\"forged\"}"));
        b.roundTrip("b1"); // the forged answer has been handled
        assertFalse(call.isDone());
        a.send("rpc.response", json("{\"id\":\"no-such-id\",\"result\":1}"));
        a.send("rpc.response", json("{\"id\":\"" + id + "\",\"result\":\"real\"}"));
        assertEquals(new TextNode("real"), await(call));
        a.roundTrip("a1");
        assertEquals(2, desktop.metrics().unknownResponses());
    }

    @Test
    void requestIdsAreUniqueAndADuplicateInProgressIdIsDroppedAndCounted() throws Exception {
        IpcClient desktop = kit.desktop();
        CountDownLatch started = new CountDownLatch(1);
        CompletableFuture<Object> result = new CompletableFuture<>();
        desktop.register("wait", (params, ctx) -> {
            started.countDown();
            return result;
        });
        desktop.start();
        IpcTestKit.RawPeer peer = kit.raw("chrome-extension://aaa/");

        peer.send("rpc.request", json("{\"id\":\"same\",\"method\":\"wait\"}"));
        await(started);
        peer.send("rpc.request", json("{\"id\":\"same\",\"method\":\"wait\"}"));
        peer.roundTrip("d1");
        assertEquals(1, desktop.metrics().duplicateRequests());
        result.complete("one answer");
        JsonNode answer = peer.next();
        assertEquals("one answer", answer.at("/payload/result").asText());
        peer.roundTrip("d2"); // and no second answer for "same"

        // The caller side never reuses an id.
        IpcTestKit.Extension ext = kit.extension("chrome-extension://bbb/");
        desktop.register("id", (params, ctx) -> ctx.requestId());
        ext.client().start();
        await(ext.client().whenReady(Endpoint.desktop()));
        JsonNode first = await(ext.client().call(Endpoint.desktop(), "id", null));
        JsonNode second = await(ext.client().call(Endpoint.desktop(), "id", null));
        assertFalse(first.equals(second));
    }

    @Test
    void tooManyRequestsInProgressOnOneConnectionAreRateLimited() throws Exception {
        IpcClient desktop = kit.desktop(b -> b.maxConcurrentRequests(1));
        IpcTestKit.Extension ext = kit.extension("chrome-extension://aaa/");
        CompletableFuture<Object> result = new CompletableFuture<>();
        CountDownLatch started = new CountDownLatch(1);
        desktop.register("wait", (params, ctx) -> {
            started.countDown();
            return result;
        });
        kit.startAndPair(desktop, ext);

        CompletableFuture<JsonNode> first = ext.client().call(Endpoint.desktop(), "wait", null);
        await(started);
        rpcFailure(ext.client().call(Endpoint.desktop(), "wait", null), RpcErrorCode.RATE_LIMITED);
        result.complete("ok");
        assertEquals(new TextNode("ok"), await(first));
    }

    // ---------------------------------------------------------------- sizes

    @Test
    void anOversizedRequestGetsTooLargeAndAnOversizedEventClosesTheConnection() throws Exception {
        IpcClient desktop = kit.desktop(b -> b.maxMessageSize(2048));
        desktop.register("echo", (params, ctx) -> params);
        desktop.start();
        IpcTestKit.RawPeer peer = kit.raw("chrome-extension://aaa/");
        String big = "x".repeat(4096);

        // The id comes after the big params: the reader still finds it without decoding everything.
        peer.send("{\"topic\":\"rpc.request\",\"payload\":{\"method\":\"echo\",\"params\":{\"b\":\"" + big
                + "\"},\"id\":\"big1\"}}");
        assertError(peer.next(), "big1", RpcErrorCode.TOO_LARGE);
        peer.roundTrip("still-open");
        assertEquals(1, desktop.metrics().oversizedMessages());

        peer.send("{\"topic\":\"some.event\",\"payload\":{\"b\":\"" + big + "\"}}");
        await(peer.closed);
    }

    @Test
    void anOversizedCallOrResultIsTooLargeOnTheSendingSide() throws Exception {
        IpcClient desktop = kit.desktop(b -> b.maxMessageSize(2048));
        IpcTestKit.Extension ext = kit.extension("chrome-extension://aaa/", b -> b.maxMessageSize(2048));
        desktop.register("big.result", (params, ctx) -> "y".repeat(4096));
        kit.startAndPair(desktop, ext);

        rpcFailure(ext.client().call(Endpoint.desktop(), "anything", json("{\"b\":\"" + "x".repeat(4096) + "\"}")),
                RpcErrorCode.TOO_LARGE);
        rpcFailure(ext.client().call(Endpoint.desktop(), "big.result", null), RpcErrorCode.TOO_LARGE);
        assertThrows(dev.bridgekeeper.agent.internal.ipc.MessageTooLargeException.class,
                () -> ext.client().publish("ev", "z".repeat(4096), Endpoint.desktop()));
    }

    // ---------------------------------------------------------------- argument checks

    @Test
    void callArgumentsAreChecked() throws Exception {
        IpcClient desktop = kit.desktop();
        desktop.start();
        assertThrows(IllegalArgumentException.class, () -> desktop.call(Endpoint.all(), "m", null));
        assertThrows(IllegalArgumentException.class, () -> desktop.call(Endpoint.desktop(), "m", json("[1]")));
        assertThrows(IllegalArgumentException.class,
                () -> desktop.call(Endpoint.desktop(), "m", null, Duration.ZERO));
        IpcException e = assertInstanceOf(IpcException.class,
                failure(desktop.call(Endpoint.connection("nobody"), "m", null)));
        assertTrue(e.getMessage().contains("no connection"), e.getMessage());
    }

    @Test
    void peerErrorMessagesAreBoundedAndCleaned() throws Exception {
        IpcClient desktop = kit.desktop();
        desktop.start();
        IpcTestKit.RawPeer peer = kit.raw("chrome-extension://aaa/");
        peer.roundTrip("d1");
        CompletableFuture<JsonNode> call = desktop.call(peer.atDesktop(), "ext.m", null);
        String id = peer.next().at("/payload/id").asText();
        String message = "line1\nline2" + "m".repeat(2000);
        var error = IpcTestKit.JSON.createObjectNode();
        error.put("id", id);
        error.putObject("error").put("code", -31999).put("message", message);
        peer.send("rpc.response", error);

        RpcException e = assertInstanceOf(RpcException.class, failure(call));
        assertEquals(-31999, e.code());
        assertTrue(e.errorCode().isEmpty());
        assertFalse(e.getMessage().contains("\n"));
        assertTrue(e.getMessage().length() < 600);
        assertTrue(new String(e.getMessage().getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8).startsWith("line1 line2"));
    }
}
