package dev.bridgekeeper.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bridgekeeper.agent.internal.ipc.IpcClient;
import dev.bridgekeeper.agent.internal.ipc.IpcCodec;
import dev.bridgekeeper.agent.internal.ipc.WireMessage;
import dev.bridgekeeper.ipc.Endpoint;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * RPC dispatch: the IPC codec on a request, and one whole call (request encoded, delivered,
 * decoded, dispatched to a handler on the pool, answered, the caller's future completed) between
 * two {@link IpcClient}s in one JVM, without and with Noise encryption. One call at a time, and a
 * batch of 64 outstanding (the time reported is per batch).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class RpcDispatchBench {
    @Param({"plain", "noise"})
    String crypto;

    InProcessBridge bridge;
    IpcClient extension;
    ObjectNode params;
    ObjectMapper mapper;
    IpcCodec codec;
    byte[] requestBytes;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        bridge = new InProcessBridge(crypto.equals("noise"), IpcClient.DEFAULT_MAX_MESSAGE_SIZE);
        extension = bridge.connect();
        mapper = new ObjectMapper();
        codec = new IpcCodec(mapper);
        params = mapper.createObjectNode().put("v", "hello");
        ObjectNode request = mapper.createObjectNode().put("id", "r-123").put("method", "bench.echo");
        request.set("params", params);
        requestBytes = codec.encode("rpc.request", request);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        bridge.close();
    }

    @Benchmark
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    public WireMessage decodeRequest() {
        return codec.decode(requestBytes);
    }

    @Benchmark
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    public byte[] encodeRequest() {
        ObjectNode request = mapper.createObjectNode();
        request.put("id", "r-123").put("method", "bench.echo").set("params", params);
        return codec.encode("rpc.request", request);
    }

    @Benchmark
    public JsonNode callOne() throws Exception {
        return extension.call(Endpoint.desktop(), "bench.echo", params).get(10, TimeUnit.SECONDS);
    }

    @Benchmark
    public Object callBatchOf64() throws Exception {
        CompletableFuture<?>[] calls = new CompletableFuture<?>[64];
        for (int i = 0; i < calls.length; i++) {
            calls[i] = extension.call(Endpoint.desktop(), "bench.echo", params);
        }
        return CompletableFuture.allOf(calls).get(10, TimeUnit.SECONDS);
    }
}
