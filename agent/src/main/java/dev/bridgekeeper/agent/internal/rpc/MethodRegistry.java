package dev.bridgekeeper.agent.internal.rpc;

import dev.bridgekeeper.ipc.RequestContext;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The methods an {@link RpcServer} serves: single handlers and whole typed channels, each with
 * its deadline (null: the server's default), and the channel versions {@code ipc.discover} lists.
 * {@code ipc.discover} itself is built in and cannot be registered.
 */
final class MethodRegistry {
    /** A handler and its deadline (null for the server's default). */
    record Registration(RpcHandler handler, Duration deadline) {}

    private final ChannelInvoker invoker;
    private final Object lock = new Object();
    private final Map<String, Registration> methods = new ConcurrentHashMap<>();
    private final Map<String, String> channelVersions = new ConcurrentHashMap<>();

    MethodRegistry(ChannelInvoker invoker) {
        this.invoker = invoker;
    }

    void register(String method, RpcHandler handler, Duration deadline) {
        RequestParser.requireMethodName(method);
        Objects.requireNonNull(handler, "handler");
        synchronized (lock) {
            requireFree(method);
            methods.put(method, new Registration(handler, deadline));
        }
    }

    <T> void registerChannel(Class<T> iface, Function<RequestContext, ? extends T> implFactory) {
        ChannelDescriptor channel = ChannelDescriptor.of(iface);
        Objects.requireNonNull(implFactory, "implFactory");
        synchronized (lock) {
            if (channelVersions.containsKey(channel.name)) {
                throw new IllegalStateException("channel '" + channel.name + "' is already registered");
            }
            channel.methods.values().forEach(spec -> requireFree(spec.rpcName()));
            for (ChannelDescriptor.MethodSpec spec : channel.methods.values()) {
                methods.put(spec.rpcName(), new Registration(invoker.handler(spec, implFactory), spec.deadline()));
            }
            channelVersions.put(channel.name, channel.version.toString());
        }
    }

    /** The registration of {@code method}, or null. */
    Registration get(String method) {
        return methods.get(method);
    }

    /** The channels served, name to version, {@code ipc} included. */
    Map<String, String> channelVersions() {
        Map<String, String> all = new TreeMap<>(channelVersions);
        all.put("ipc", RpcServer.IPC_CHANNEL_VERSION);
        return all;
    }

    private void requireFree(String method) {
        if (method.equals(RpcServer.DISCOVER)) {
            throw new IllegalStateException(RpcServer.DISCOVER + " is built in and cannot be registered");
        }
        if (methods.containsKey(method)) {
            throw new IllegalStateException("a handler for '" + method + "' is already registered");
        }
    }
}
