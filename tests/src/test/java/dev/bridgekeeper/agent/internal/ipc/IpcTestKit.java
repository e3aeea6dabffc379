package dev.bridgekeeper.agent.internal.ipc;

import dev.bridgekeeper.ipc.Endpoint;
import dev.bridgekeeper.testing.InMemoryHub;
import dev.bridgekeeper.testing.NoEncryptionCryptoProvider;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Wiring for IPC tests: an in-memory hub, a desktop client and extension clients over it, and raw
 * peers that speak the wire form directly. Waits are bounded only to stop a broken test from
 * hanging; nothing asserts on time.
 */
public final class IpcTestKit implements AutoCloseable {
    /** Upper bound of any wait; a correct run never comes close. */
    public static final long WAIT_SECONDS = 10;
    public static final ObjectMapper JSON = new ObjectMapper();

    public final InMemoryHub hub = new InMemoryHub();
    private final List<AutoCloseable> owned = new ArrayList<>();

    /** An extension client plus the hub backend it uses. */
    public record Extension(IpcClient client, InMemoryHub.ClientBackend backend) {
        /** How the desktop addresses it. */
        public Endpoint atDesktop() {
            return backend.endpointAtDesktop();
        }
    }

    /** The desktop client (not started), with NoEncryption unless {@code config} says otherwise. */
    public IpcClient desktop(Consumer<IpcClient.Builder> config) {
        IpcClient.Builder b = IpcClient.builder()
                .backend(hub.desktop())
                .cryptoProvider(new NoEncryptionCryptoProvider())
                .identity("test-desktop", "9.9.9");
        config.accept(b);
        return own(b.build());
    }

    public IpcClient desktop() {
        return desktop(b -> {});
    }

    /** An extension client (not started) with these peer details as the desktop will see them. */
    public Extension extension(InMemoryHub.PeerDetails details, Consumer<IpcClient.Builder> config) {
        InMemoryHub.ClientBackend backend = hub.connect(details);
        IpcClient.Builder b = IpcClient.builder()
                .backend(backend)
                .cryptoProvider(new NoEncryptionCryptoProvider())
                .identity("test-extension", "1.0.0");
        config.accept(b);
        return new Extension(own(b.build()), backend);
    }

    public Extension extension(String callerId, Consumer<IpcClient.Builder> config) {
        return extension(new InMemoryHub.PeerDetails(callerId, "chromium", "alice", 4242L), config);
    }

    public Extension extension(String callerId) {
        return extension(callerId, b -> {});
    }

    /** Starts the clients and waits until each extension and the desktop see each other ready. */
    public void startAndPair(IpcClient desktop, Extension... extensions) throws IOException {
        desktop.start();
        for (Extension e : extensions) {
            e.client().start();
        }
        for (Extension e : extensions) {
            await(e.client().whenReady(Endpoint.desktop()));
            await(desktop.whenReady(e.atDesktop()));
        }
    }

    /** A raw peer, started, that sends and reads wire messages without an IpcClient. */
    public RawPeer raw(String callerId) throws IOException {
        RawPeer peer = new RawPeer(hub.connect(new InMemoryHub.PeerDetails(callerId, "firefox", "bob", 7L)));
        owned.add(peer.backend);
        peer.backend.start(peer);
        return peer;
    }

    private <T extends AutoCloseable> T own(T closeable) {
        owned.add(closeable);
        return closeable;
    }

    @Override
    public void close() throws Exception {
        for (AutoCloseable c : owned) {
            c.close();
        }
        hub.close();
    }

    /** The future's value, failing the test if it fails or does not finish. */
    public static <T> T await(CompletableFuture<T> future) {
        try {
            return future.get(WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new AssertionError("future failed: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new AssertionError("future did not complete", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** The exception the future failed with (unwrapped), failing the test if it succeeds. */
    public static Throwable failure(CompletableFuture<?> future) {
        try {
            Object value = future.get(WAIT_SECONDS, TimeUnit.SECONDS);
            throw new AssertionError("expected a failure, got " + value);
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (CancellationException e) {
            return e;
        } catch (TimeoutException e) {
            throw new AssertionError("future did not complete", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Waits until {@code condition} holds, failing the test with {@code what} if it never does. */
    public static void awaitTrue(String what, BooleanSupplier condition) {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("gave up waiting for " + what);
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    /** Waits for a latch, failing the test if it does not open. */
    public static void await(CountDownLatch latch) {
        try {
            assertTrue(latch.await(WAIT_SECONDS, TimeUnit.SECONDS), "latch did not open");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Takes the next element, failing the test if none comes. */
    public static <T> T take(BlockingQueue<T> queue) {
        try {
            T value = queue.poll(WAIT_SECONDS, TimeUnit.SECONDS);
            assertNotNull(value, "nothing arrived");
            return value;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    public static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** A peer that exchanges wire messages (NoEncryption framing: a frame is the message JSON). */
    public static final class RawPeer implements CommunicationBackend.Listener {
        public final InMemoryHub.ClientBackend backend;
        private final BlockingQueue<JsonNode> received = new LinkedBlockingQueue<>();
        private final BlockingQueue<String> receivedText = new LinkedBlockingQueue<>();
        public final CountDownLatch opened = new CountDownLatch(1);
        public final CountDownLatch closed = new CountDownLatch(1);

        RawPeer(InMemoryHub.ClientBackend backend) {
            this.backend = backend;
        }

        public Endpoint atDesktop() {
            return backend.endpointAtDesktop();
        }

        public void send(byte[] frame) {
            await(opened);
            backend.send(backend.connectionId(), frame);
        }

        public void send(String json) {
            send(json.getBytes(StandardCharsets.UTF_8));
        }

        public void send(String topic, JsonNode payload) {
            var message = JSON.createObjectNode();
            message.put("topic", topic);
            message.set("payload", payload);
            send(message.toString());
        }

        /** The next message received, as JSON. */
        public JsonNode next() {
            receivedText.poll();
            return take(received);
        }

        /** The next message received, as its exact wire text. */
        public String nextText() {
            received.poll();
            return take(receivedText);
        }

        /** Sends {@code ipc.discover} with {@code id} and returns the payload of its response. */
        public JsonNode roundTrip(String id) {
            send("rpc.request", json("{\"id\":\"" + id + "\",\"method\":\"ipc.discover\",\"params\":null}"));
            JsonNode response = next();
            if (!response.path("payload").path("id").asText().equals(id)) {
                fail("expected the response to " + id + ", got " + response);
            }
            return response.get("payload");
        }

        @Override
        public void opened(ConnectionInfo info) {
            opened.countDown();
        }

        @Override
        public void frame(String connectionId, byte[] frame) {
            String text = new String(frame, StandardCharsets.UTF_8);
            receivedText.add(text);
            received.add(json(text));
        }

        @Override
        public void closed(String connectionId) {
            closed.countDown();
        }
    }

    /**
     * A crypto provider like NoEncryption whose sessions stay unpaired until the test pairs them:
     * a fake of the crypto layer, to test what the client does before and after pairing.
     */
    public static final class ManualPairingProvider implements CryptoProvider {
        private final Map<String, SessionIo> sessions = new ConcurrentHashMap<>();
        public final BlockingQueue<String> openedIds = new LinkedBlockingQueue<>();

        @Override
        public Session open(ConnectionInfo info, SessionIo io) {
            sessions.put(info.connectionId(), io);
            openedIds.add(info.connectionId());
            return new Session() {
                @Override
                public void onFrame(byte[] frame) {
                    io.deliver(frame);
                }

                @Override
                public void send(byte[] plaintext) {
                    io.sendFrame(plaintext);
                }

                @Override
                public void close() {}
            };
        }

        /** Reports the session of {@code connectionId} ready with {@code identity}. */
        public void pair(String connectionId, PeerIdentity identity) {
            sessions.get(connectionId).ready(identity);
        }
    }
}
