package com.example.consumer;

import dev.bridgekeeper.ipc.IpcChannel;
import dev.bridgekeeper.ipc.IpcMethod;
import java.util.concurrent.CompletableFuture;

/** The app's own typed channel: what its extension may call. */
@IpcChannel(name = "notes", version = "1.2.0")
public interface Notes {

    @IpcMethod("count")
    CompletableFuture<Count> count(Query query);

    record Query(String folder) {}

    record Count(String folder, int notes) {}
}
