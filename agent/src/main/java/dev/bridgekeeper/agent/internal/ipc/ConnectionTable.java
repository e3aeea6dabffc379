package dev.bridgekeeper.agent.internal.ipc;

import dev.bridgekeeper.ipc.Endpoint;
import dev.bridgekeeper.ipc.Source;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

/**
 * The open connections of an {@link IpcClient} by id, the one to the desktop (extension side),
 * endpoint resolution, and the futures waiting for an endpoint to become ready.
 */
final class ConnectionTable {
    private final Map<String, IpcConnection> connections = new ConcurrentHashMap<>();
    private final AtomicReference<IpcConnection> desktop = new AtomicReference<>();
    private final List<ReadyWaiter> readyWaiters = new ArrayList<>();

    private record ReadyWaiter(Endpoint endpoint, CompletableFuture<Source> future) {}

    IpcConnection get(String id) {
        return connections.get(id);
    }

    /** Adds a new connection; false if its id is already taken. */
    boolean add(IpcConnection c) {
        return connections.putIfAbsent(c.id(), c) == null;
    }

    /** Makes {@code c} the desktop connection; returns the one it replaces, if any. */
    IpcConnection replaceDesktop(IpcConnection c) {
        return desktop.getAndSet(c);
    }

    /** Removes a connection (and its desktop role); null if it was not open. */
    IpcConnection remove(String id) {
        IpcConnection c = connections.remove(id);
        if (c != null) {
            desktop.compareAndSet(c, null);
        }
        return c;
    }

    Collection<IpcConnection> all() {
        return connections.values();
    }

    /** The sources of all open connections, paired or not. */
    List<Source> sources() {
        List<Source> all = new ArrayList<>();
        connections.values().forEach(c -> all.add(c.source));
        return all;
    }

    /** The open connection an endpoint names, once its session exists; null if there is none. */
    IpcConnection resolve(Endpoint endpoint) {
        IpcConnection c = null;
        if (endpoint instanceof Endpoint.Desktop) {
            c = desktop.get();
        } else if (endpoint instanceof Endpoint.Connection e) {
            c = connections.get(e.id());
            // Endpoint.connection(id) names a connection of the desktop side only.
            c = c != null && !c.info.initiator() ? c : null;
        }
        return c != null && c.session != null && !c.closed ? c : null;
    }

    /** Completes once {@code endpoint} is ready, at once if it is; fails if {@code closed} says so. */
    CompletableFuture<Source> whenReady(Endpoint endpoint, BooleanSupplier closed) {
        CompletableFuture<Source> future = new CompletableFuture<>();
        synchronized (readyWaiters) {
            if (closed.getAsBoolean()) {
                future.completeExceptionally(new IpcClosedException("the IPC client is closed"));
                return future;
            }
            IpcConnection c = resolve(endpoint);
            if (c != null && c.isReady()) {
                future.complete(c.source);
            } else {
                readyWaiters.add(new ReadyWaiter(endpoint, future));
            }
        }
        return future;
    }

    /** Removes and returns the waiters that {@code ready} satisfies (and those already done). */
    List<CompletableFuture<Source>> takeWaitersFor(Endpoint ready) {
        List<CompletableFuture<Source>> taken = new ArrayList<>();
        synchronized (readyWaiters) {
            for (Iterator<ReadyWaiter> it = readyWaiters.iterator(); it.hasNext(); ) {
                ReadyWaiter w = it.next();
                if (w.endpoint.equals(ready) || w.future.isDone()) {
                    it.remove();
                    taken.add(w.future);
                }
            }
        }
        return taken;
    }

    /** Fails every waiter: the client closed. */
    void failWaiters() {
        synchronized (readyWaiters) {
            readyWaiters.forEach(w -> w.future.completeExceptionally(new IpcClosedException("the IPC client is closed")));
            readyWaiters.clear();
        }
    }
}
