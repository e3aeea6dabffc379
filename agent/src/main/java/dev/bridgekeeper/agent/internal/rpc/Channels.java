package dev.bridgekeeper.agent.internal.rpc;

import dev.bridgekeeper.ipc.IpcChannel;
import dev.bridgekeeper.ipc.RpcErrorCode;
import dev.bridgekeeper.ipc.RpcException;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bridgekeeper.protocol.Version;
import dev.bridgekeeper.ipc.Endpoint;
import dev.bridgekeeper.agent.internal.ipc.IpcException;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Client side of typed channels: proxies that turn interface calls into RPC calls, and the
 * version check against a peer's {@code ipc.discover}. Applications use these through {@code
 * IpcClient.channel} and {@code IpcClient.requireChannel}.
 */
public final class Channels {
    private Channels() {}

    /** Makes one RPC call; a null deadline means the client's default. */
    @FunctionalInterface
    public interface Invoker {
        CompletableFuture<JsonNode> call(Endpoint target, String method, ObjectNode params, Duration deadline);
    }

    /** The channel name of an {@link IpcChannel} interface (checks the interface). */
    public static String name(Class<?> iface) {
        return ChannelDescriptor.of(iface).name;
    }

    /** The version of an {@link IpcChannel} interface (checks the interface). */
    public static SemanticVersion version(Class<?> iface) {
        return ChannelDescriptor.of(iface).version;
    }

    /**
     * A {@link Proxy} implementing {@code iface} whose RPC methods call {@code target}. Each
     * returns a future of the converted result; cancelling that future cancels the call. {@code
     * equals}, {@code hashCode} and {@code toString} work as for any object (identity); default
     * methods run their Java body; any other method throws {@link UnsupportedOperationException}.
     *
     * @throws IllegalArgumentException if {@code iface} is not a well-formed channel or {@code
     *     target} is {@link Endpoint#all()}
     */
    public static <T> T proxy(Class<T> iface, Endpoint target, Invoker invoker, ObjectMapper mapper) {
        ChannelDescriptor channel = ChannelDescriptor.of(iface);
        Objects.requireNonNull(target, "target");
        if (target instanceof Endpoint.All) {
            throw new IllegalArgumentException("a channel proxy talks to one endpoint, not Endpoint.all()");
        }
        Objects.requireNonNull(invoker, "invoker");
        Objects.requireNonNull(mapper, "mapper");
        InvocationHandler handler = new ProxyHandler(channel, target, invoker, mapper);
        return iface.cast(Proxy.newProxyInstance(iface.getClassLoader(), new Class<?>[] {iface}, handler));
    }

    /**
     * Asks {@code target} for its channels ({@code ipc.discover}) and returns a proxy if it serves
     * a compatible version of {@code iface}'s channel: same major version, minor at least the
     * interface's. Otherwise the future fails with {@link RpcException} {@code version_mismatch}
     * (also for a peer of another protocol version or one missing the channel).
     */
    public static <T> CompletableFuture<T> require(Class<T> iface, Endpoint target, Invoker invoker, ObjectMapper mapper) {
        ChannelDescriptor channel = ChannelDescriptor.of(iface);
        T proxy = proxy(iface, target, invoker, mapper);
        CompletableFuture<T> result = new CompletableFuture<>();
        invoker.call(target, RpcServer.DISCOVER, null, null).whenComplete((discovery, error) -> {
            if (error != null) {
                result.completeExceptionally(unwrap(error));
                return;
            }
            RpcException mismatch = checkCompatible(channel, discovery);
            if (mismatch != null) {
                result.completeExceptionally(mismatch);
            } else {
                result.complete(proxy);
            }
        });
        return result;
    }

    private static RpcException checkCompatible(ChannelDescriptor channel, JsonNode discovery) {
        JsonNode protocol = discovery == null ? null : discovery.get("protocol");
        if (protocol == null || !protocol.isInt() || protocol.intValue() != Version.PROTOCOL) {
            return new RpcException(RpcErrorCode.VERSION_MISMATCH,
                    "the peer does not speak protocol " + Version.PROTOCOL);
        }
        JsonNode offered = discovery.path("channels").get(channel.name);
        String need = channel.name + " " + channel.version;
        if (offered == null || !offered.isTextual()) {
            return new RpcException(RpcErrorCode.VERSION_MISMATCH, "the peer does not offer channel " + need);
        }
        SemanticVersion version;
        try {
            version = SemanticVersion.parse(offered.textValue());
        } catch (IllegalArgumentException e) {
            return new RpcException(RpcErrorCode.VERSION_MISMATCH,
                    "the peer reports an unreadable version of " + channel.name);
        }
        if (!version.satisfies(channel.version)) {
            return new RpcException(RpcErrorCode.VERSION_MISMATCH,
                    "the peer offers " + channel.name + " " + version + ", this side needs " + need);
        }
        return null;
    }

    private static Throwable unwrap(Throwable t) {
        return t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
    }

    private static final class ProxyHandler implements InvocationHandler {
        private final ChannelDescriptor channel;
        private final Endpoint target;
        private final Invoker invoker;
        private final ObjectMapper mapper;

        ProxyHandler(ChannelDescriptor channel, Endpoint target, Invoker invoker, ObjectMapper mapper) {
            this.channel = channel;
            this.target = target;
            this.invoker = invoker;
            this.mapper = mapper;
        }

        @Override
        public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
            if (method.getDeclaringClass() == Object.class) {
                switch (method.getName()) {
                    case "equals":
                        return proxy == args[0];
                    case "hashCode":
                        return System.identityHashCode(proxy);
                    case "toString":
                        return channel.type.getSimpleName() + " channel " + channel.name + " " + channel.version
                                + " -> " + target;
                    default:
                        throw new UnsupportedOperationException(method.getName());
                }
            }
            if (method.isDefault()) {
                return InvocationHandler.invokeDefault(proxy, method, args);
            }
            ChannelDescriptor.MethodSpec spec = channel.methods.get(method);
            if (spec == null) {
                throw new UnsupportedOperationException(method + " is not a method of channel " + channel.name);
            }
            return call(spec, args == null || args.length == 0 ? null : args[0]);
        }

        private CompletableFuture<Object> call(ChannelDescriptor.MethodSpec spec, Object argument) {
            ObjectNode params = null;
            if (spec.paramType() != null && argument != null) {
                JsonNode tree = mapper.valueToTree(argument);
                if (!(tree instanceof ObjectNode object)) {
                    throw new IllegalArgumentException("params of " + spec.rpcName() + " must be a JSON object");
                }
                params = object;
            }
            CompletableFuture<JsonNode> raw = invoker.call(target, spec.rpcName(), params, spec.deadline());
            CompletableFuture<Object> typed = new CompletableFuture<>();
            raw.whenComplete((json, error) -> {
                if (error != null) {
                    typed.completeExceptionally(unwrap(error));
                    return;
                }
                try {
                    typed.complete(mapper.treeToValue(json, mapper.constructType(spec.resultType())));
                } catch (JsonProcessingException | IllegalArgumentException e) {
                    typed.completeExceptionally(new IpcException("the result of " + spec.rpcName()
                            + " does not fit " + mapper.constructType(spec.resultType()).toCanonical()));
                }
            });
            // Cancelling what the caller holds must reach the peer.
            typed.whenComplete((value, error) -> {
                if (error instanceof CancellationException) {
                    raw.cancel(true);
                }
            });
            return typed;
        }
    }
}
