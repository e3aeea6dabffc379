package dev.bridgekeeper.agent.internal.rpc;

import dev.bridgekeeper.ipc.IpcChannel;
import dev.bridgekeeper.ipc.IpcDeadline;
import dev.bridgekeeper.ipc.IpcMethod;
import dev.bridgekeeper.ipc.RequestContext;
import dev.bridgekeeper.ipc.RpcErrorCode;
import dev.bridgekeeper.ipc.RpcException;

import static dev.bridgekeeper.agent.internal.ipc.IpcTestKit.await;
import static dev.bridgekeeper.agent.internal.ipc.IpcTestKit.failure;
import static dev.bridgekeeper.agent.internal.ipc.IpcTestKit.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bridgekeeper.ipc.Endpoint;
import dev.bridgekeeper.agent.internal.ipc.IpcClient;
import dev.bridgekeeper.agent.internal.ipc.IpcTestKit;
import java.lang.reflect.Proxy;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ChannelTest {

    record GreetParams(String name, int times) {
        GreetParams {
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("name must not be blank");
            }
        }
    }

    record Greeting(String text) {}

    record CallerView(String callerId, String endpoint, boolean paired) {}

    @IpcChannel(name = "greeter", version = "1.2.3")
    interface Greeter {
        CompletableFuture<Greeting> greet(GreetParams params);

        @IpcMethod("whoAmI")
        CompletableFuture<CallerView> caller();

        CompletionStage<Void> hang();

        @IpcDeadline(value = 150, unit = TimeUnit.MILLISECONDS)
        CompletableFuture<String> slow();

        default String local() {
            return "runs here";
        }
    }

    /** An older client of the same channel: needs only 1.1. */
    @IpcChannel(name = "greeter", version = "1.1.0")
    interface GreeterV11 {
        CompletableFuture<Greeting> greet(GreetParams params);
    }

    @IpcChannel(name = "greeter", version = "1.3.0")
    interface GreeterV13 {
        CompletableFuture<Greeting> greet(GreetParams params);
    }

    @IpcChannel(name = "greeter", version = "2.0.0")
    interface GreeterV2 {
        CompletableFuture<Greeting> greet(GreetParams params);
    }

    @IpcChannel(name = "absent", version = "1.0.0")
    interface Absent {
        CompletableFuture<String> anything();
    }

    /** The server side: one object per request, made with the request's context. */
    static final class GreeterImpl implements Greeter {
        static volatile CountDownLatch hangStarted = new CountDownLatch(1);
        static volatile CountDownLatch hangCancelled = new CountDownLatch(1);
        private final RequestContext context;

        GreeterImpl(RequestContext context) {
            this.context = context;
        }

        @Override
        public CompletableFuture<Greeting> greet(GreetParams params) {
            return CompletableFuture.completedFuture(
                    new Greeting(("Hello " + params.name() + "! ").repeat(params.times()).trim()));
        }

        @Override
        public CompletableFuture<CallerView> caller() {
            return CompletableFuture.completedFuture(new CallerView(context.source().callerId(),
                    context.source().endpoint().toString(), context.source().paired()));
        }

        @Override
        public CompletionStage<Void> hang() {
            context.onCancel(hangCancelled::countDown);
            hangStarted.countDown();
            return new CompletableFuture<>();
        }

        @Override
        public CompletableFuture<String> slow() {
            return new CompletableFuture<>();
        }
    }

    private final IpcTestKit kit = new IpcTestKit();
    private IpcClient desktop;
    private IpcTestKit.Extension ext;

    @BeforeEach
    void setUp() throws Exception {
        GreeterImpl.hangStarted = new CountDownLatch(1);
        GreeterImpl.hangCancelled = new CountDownLatch(1);
        desktop = kit.desktop();
        desktop.registerChannel(Greeter.class, GreeterImpl::new);
        ext = kit.extension("chrome-extension://greeter-client/");
        kit.startAndPair(desktop, ext);
    }

    @AfterEach
    void tearDown() throws Exception {
        kit.close();
    }

    @Test
    void aTypedCallRoundTripsThroughParamsRecordAndResultRecord() {
        Greeter greeter = ext.client().channel(Greeter.class, Endpoint.desktop());
        assertEquals(new Greeting("Hello Ada! Hello Ada!"), await(greeter.greet(new GreetParams("Ada", 2))));
    }

    @Test
    void theImplementationKnowsItsCallerAndIpcMethodRenames() {
        Greeter greeter = ext.client().channel(Greeter.class, Endpoint.desktop());
        CallerView view = await(greeter.caller());
        assertEquals("chrome-extension://greeter-client/", view.callerId());
        assertEquals(ext.atDesktop().toString(), view.endpoint());
        assertTrue(view.paired());
        // On the wire the method is greeter.whoAmI, not greeter.caller.
        JsonNode raw = await(ext.client().call(Endpoint.desktop(), "greeter.whoAmI", null));
        assertEquals("chrome-extension://greeter-client/", raw.get("callerId").asText());
        RpcException missing = assertInstanceOf(RpcException.class,
                failure(ext.client().call(Endpoint.desktop(), "greeter.caller", null)));
        assertTrue(missing.is(RpcErrorCode.METHOD_NOT_FOUND));
    }

    @Test
    void discoverListsTheDesktopAndItsChannels() {
        JsonNode discovery = await(ext.client().discover(Endpoint.desktop()));
        assertEquals(json("{\"protocol\":1,\"desktop\":{\"name\":\"test-desktop\",\"version\":\"9.9.9\"},"
                + "\"channels\":{\"greeter\":\"1.2.3\",\"ipc\":\"1.0.0\"}}"), discovery);
    }

    @Test
    void requireChannelAcceptsTheSameOrAnOlderMinorAndRefusesTheRest() {
        assertEquals(new Greeting("Hello Bo!"),
                await(await(ext.client().requireChannel(Greeter.class, Endpoint.desktop()))
                        .greet(new GreetParams("Bo", 1))));
        assertEquals(new Greeting("Hello Cy!"),
                await(await(ext.client().requireChannel(GreeterV11.class, Endpoint.desktop()))
                        .greet(new GreetParams("Cy", 1))));

        for (Class<?> incompatible : new Class<?>[] {GreeterV13.class, GreeterV2.class, Absent.class}) {
            RpcException e = assertInstanceOf(RpcException.class,
                    failure(ext.client().requireChannel(incompatible, Endpoint.desktop())));
            assertTrue(e.is(RpcErrorCode.VERSION_MISMATCH), e.toString());
        }
        RpcException newer = assertInstanceOf(RpcException.class,
                failure(ext.client().requireChannel(GreeterV13.class, Endpoint.desktop())));
        assertTrue(newer.getMessage().contains("1.2.3") && newer.getMessage().contains("1.3.0"), newer.getMessage());
    }

    @Test
    void paramsThatDoNotFitTheRecordAreInvalidParams() {
        RpcException wrongType = assertInstanceOf(RpcException.class, failure(ext.client().call(
                Endpoint.desktop(), "greeter.greet", json("{\"name\":\"x\",\"times\":\"many\"}"))));
        assertTrue(wrongType.is(RpcErrorCode.INVALID_PARAMS), wrongType.toString());
        assertTrue(wrongType.getMessage().contains("times"), wrongType.getMessage());

        RpcException blank = assertInstanceOf(RpcException.class, failure(ext.client().call(
                Endpoint.desktop(), "greeter.greet", json("{\"name\":\" \",\"times\":1}"))));
        assertTrue(blank.is(RpcErrorCode.INVALID_PARAMS));
        assertTrue(blank.getMessage().contains("name must not be blank"), blank.getMessage());

        RpcException none = assertInstanceOf(RpcException.class,
                failure(ext.client().call(Endpoint.desktop(), "greeter.greet", null)));
        assertTrue(none.is(RpcErrorCode.INVALID_PARAMS)); // read as {}: name missing

        RpcException extra = assertInstanceOf(RpcException.class, failure(ext.client().call(
                Endpoint.desktop(), "greeter.whoAmI", json("{\"unexpected\":1}"))));
        assertTrue(extra.is(RpcErrorCode.INVALID_PARAMS));
    }

    @Test
    void aMethodDeadlineFromTheAnnotationApplies() {
        Greeter greeter = ext.client().channel(Greeter.class, Endpoint.desktop());
        RpcException e = assertInstanceOf(RpcException.class, failure(greeter.slow()));
        assertTrue(e.is(RpcErrorCode.TIMEOUT), e.toString());
    }

    @Test
    void cancellingAProxyFutureCancelsTheImplementation() {
        Greeter greeter = ext.client().channel(Greeter.class, Endpoint.desktop());
        CompletableFuture<Void> call = greeter.hang().toCompletableFuture();
        await(GreeterImpl.hangStarted); // cancel a running implementation
        assertTrue(call.cancel(true));
        assertInstanceOf(CancellationException.class, failure(call));
        await(GreeterImpl.hangCancelled);
    }

    @Test
    void theProxyBehavesLikeAnObjectRunsDefaultsAndRefusesForeignMethods() throws Throwable {
        Greeter greeter = ext.client().channel(Greeter.class, Endpoint.desktop());
        Greeter other = ext.client().channel(Greeter.class, Endpoint.desktop());
        assertTrue(greeter.toString().contains("greeter"), greeter.toString());
        assertEquals(greeter, greeter);
        assertNotEquals(greeter, other);
        assertEquals(greeter.hashCode(), greeter.hashCode());
        assertEquals("runs here", greeter.local());
        var handler = Proxy.getInvocationHandler(greeter);
        assertThrows(UnsupportedOperationException.class,
                () -> handler.invoke(greeter, Runnable.class.getMethod("run"), null));
        assertThrows(IllegalArgumentException.class, () -> ext.client().channel(Greeter.class, Endpoint.all()));
    }

    @Test
    void registeringAChannelTwiceOrOverAnExistingMethodFails() {
        assertThrows(IllegalStateException.class, () -> desktop.registerChannel(Greeter.class, GreeterImpl::new));
        assertThrows(IllegalStateException.class, () -> desktop.registerChannel(GreeterV2.class, ctx -> null));
        IpcClient fresh = kit.desktop();
        fresh.register("greeter.greet", (params, ctx) -> null);
        assertThrows(IllegalStateException.class, () -> fresh.registerChannel(Greeter.class, GreeterImpl::new));
        // Nothing of the refused channel was registered: its other methods are still free.
        fresh.register("greeter.whoAmI", (params, ctx) -> null);
    }

    interface NotAnnotated {
        CompletableFuture<String> a();
    }

    @IpcChannel(name = "bad", version = "1.0.0")
    interface ReturnsPlainValue {
        String a();
    }

    @IpcChannel(name = "bad", version = "1.0.0")
    interface TwoParams {
        CompletableFuture<String> a(GreetParams one, GreetParams two);
    }

    @IpcChannel(name = "bad", version = "1.0.0")
    interface ScalarParam {
        CompletableFuture<String> a(String text);
    }

    @IpcChannel(name = "bad", version = "1.0")
    interface BadVersion {
        CompletableFuture<String> a();
    }

    @IpcChannel(name = "ipc", version = "1.0.0")
    interface ReservedName {
        CompletableFuture<String> a();
    }

    @IpcChannel(name = "bad", version = "1.0.0")
    interface SameWireName {
        CompletableFuture<String> a();

        @IpcMethod("a")
        CompletableFuture<String> b();
    }

    @IpcChannel(name = "bad", version = "1.0.0")
    interface RawFuture {
        @SuppressWarnings("rawtypes")
        CompletableFuture a();
    }

    @Test
    void malformedChannelInterfacesAreRefusedWithAClearError() {
        for (Class<?> bad : new Class<?>[] {NotAnnotated.class, ReturnsPlainValue.class, TwoParams.class,
                ScalarParam.class, BadVersion.class, ReservedName.class, SameWireName.class, RawFuture.class,
                GreetParams.class}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> ext.client().channel(bad, Endpoint.desktop()), bad::getName);
            assertTrue(e.getMessage().contains(bad.getSimpleName()), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> desktop.registerChannel(bad, ctx -> null));
        }
    }

    @Test
    void aFactoryReturningNullIsAnInternalErrorNotAHang() throws Exception {
        desktop.registerChannel(Absent.class, ctx -> null);
        RpcException e = assertInstanceOf(RpcException.class,
                failure(ext.client().channel(Absent.class, Endpoint.desktop()).anything()));
        assertTrue(e.is(RpcErrorCode.INTERNAL_ERROR));
        assertNull(e.data());
        assertFalse(e.getMessage().contains("null"));
    }
}
