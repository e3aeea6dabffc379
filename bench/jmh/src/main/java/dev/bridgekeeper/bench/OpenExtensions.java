package dev.bridgekeeper.bench;

import dev.bridgekeeper.agent.internal.ipc.IpcClient;
import dev.bridgekeeper.ipc.Endpoint;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/** The extension clients a bridge has opened, so that closing the bridge closes them all. */
final class OpenExtensions {
    private final List<IpcClient> open = new CopyOnWriteArrayList<>();

    /** Starts {@code client} and returns it once its session with the desktop is ready. */
    IpcClient start(IpcClient client, long waitSeconds) throws Exception {
        open.add(client);
        client.start();
        client.whenReady(Endpoint.desktop()).get(waitSeconds, TimeUnit.SECONDS);
        return client;
    }

    void close(IpcClient client) {
        open.remove(client);
        client.close();
    }

    void closeAll() {
        open.forEach(this::close);
    }
}
