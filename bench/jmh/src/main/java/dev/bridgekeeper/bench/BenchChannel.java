package dev.bridgekeeper.bench;

import dev.bridgekeeper.ipc.IpcChannel;
import dev.bridgekeeper.ipc.IpcMethod;
import java.util.concurrent.CompletableFuture;

/**
 * What every benchmark desktop serves, through the public typed-channel API an application uses:
 * {@code bench.echo} answers its params, {@code bench.size} the length of a (large) string.
 */
@IpcChannel(name = "bench", version = "1.0.0")
public interface BenchChannel {

    @IpcMethod("echo")
    CompletableFuture<Echo> echo(Echo value);

    @IpcMethod("size")
    CompletableFuture<Chars> size(Text text);

    record Echo(String v) {}

    record Text(String s) {}

    record Chars(int chars) {}

    /** The one implementation. */
    BenchChannel SERVICE = new BenchChannel() {
        @Override
        public CompletableFuture<Echo> echo(Echo value) {
            return CompletableFuture.completedFuture(value);
        }

        @Override
        public CompletableFuture<Chars> size(Text text) {
            return CompletableFuture.completedFuture(new Chars(text == null || text.s() == null ? 0 : text.s().length()));
        }
    };
}
