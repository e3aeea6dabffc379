package dev.bridgekeeper.cli.notify;

import dev.bridgekeeper.protocol.local.ChannelStreams;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * A small client of a D-Bus message bus over its Unix socket: SASL {@code EXTERNAL}
 * authentication as this process's user, {@code Hello}, method calls with replies, and signals.
 * Enough for desktop notifications; not a general D-Bus library (no file descriptors, no serving).
 */
final class DbusConnection implements AutoCloseable {
    static final String BUS = "org.freedesktop.DBus";
    static final String BUS_PATH = "/org/freedesktop/DBus";
    private static final long CALL_TIMEOUT_SECONDS = 10;

    private final SocketChannel channel;
    private final InputStream in;
    private final OutputStream out;
    private final AtomicLong serials = new AtomicLong();
    private final Map<Long, CompletableFuture<DbusMessage>> replies = new ConcurrentHashMap<>();
    private final List<Consumer<DbusMessage>> signalHandlers = new CopyOnWriteArrayList<>();
    private final Thread readerThread;
    private volatile boolean closed;
    private final String uniqueName;

    private DbusConnection(SocketChannel channel) throws IOException {
        this.channel = channel;
        this.in = ChannelStreams.input(channel);
        this.out = ChannelStreams.output(channel);
        authenticate();
        readerThread = new Thread(this::readLoop, "bridgekeeper-dbus");
        readerThread.setDaemon(true);
        readerThread.start();
        uniqueName = (String) call(BUS, BUS_PATH, BUS, "Hello", "", null).body().get(0);
    }

    /**
     * Connects to the bus at a D-Bus address ({@code unix:path=/run/user/1000/bus}; several
     * addresses separated by {@code ;} are tried in order).
     */
    static DbusConnection open(String address) throws IOException {
        if (address == null || address.isBlank()) {
            throw new IOException("no session bus address (DBUS_SESSION_BUS_ADDRESS is not set)");
        }
        IOException last = null;
        for (String one : address.split(";")) {
            Path socket;
            try {
                socket = socketPathOf(one);
            } catch (IOException e) {
                last = e;
                continue;
            }
            SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
            try {
                ch.connect(UnixDomainSocketAddress.of(socket));
                return new DbusConnection(ch);
            } catch (IOException e) {
                ch.close();
                last = new IOException("session bus " + socket + ": " + e.getMessage(), e);
            }
        }
        throw last != null ? last : new IOException("no usable address in '" + address + "'");
    }

    /** The socket of one {@code unix:path=...} address; other kinds are refused with a reason. */
    static Path socketPathOf(String address) throws IOException {
        int colon = address.indexOf(':');
        if (colon < 0 || !address.substring(0, colon).equals("unix")) {
            throw new IOException("unsupported bus address '" + address + "' (only unix:path= is supported)");
        }
        for (String kv : address.substring(colon + 1).split(",")) {
            if (kv.startsWith("path=")) {
                return Path.of(unescape(kv.substring(5)));
            }
            if (kv.startsWith("abstract=")) {
                throw new IOException("the bus is on an abstract socket, which Java cannot reach; "
                        + "a bus at unix:path= is needed");
            }
        }
        throw new IOException("bus address '" + address + "' has no path=");
    }

    private static String unescape(String v) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c == '%') {
                if (i + 2 >= v.length()) {
                    throw new IOException("bad escape in bus address");
                }
                b.write(Integer.parseInt(v.substring(i + 1, i + 3), 16));
                i += 2;
            } else {
                b.write(c);
            }
        }
        return b.toString(StandardCharsets.UTF_8);
    }

    /** SASL EXTERNAL: the bus checks our uid against the socket's peer credentials. */
    private void authenticate() throws IOException {
        String uid = Long.toString(new com.sun.security.auth.module.UnixSystem().getUid());
        StringBuilder hex = new StringBuilder();
        for (byte b : uid.getBytes(StandardCharsets.US_ASCII)) {
            hex.append(String.format("%02x", b));
        }
        out.write(0);
        out.write(("AUTH EXTERNAL " + hex + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        String answer = readLine();
        if (!answer.startsWith("OK ")) {
            throw new IOException("the bus refused authentication: " + answer);
        }
        out.write("BEGIN\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    private String readLine() throws IOException {
        StringBuilder line = new StringBuilder();
        while (line.length() < 512) {
            int c = in.read();
            if (c < 0) {
                throw new IOException("the bus closed the connection during authentication");
            }
            if (c == '\n' && line.length() > 0 && line.charAt(line.length() - 1) == '\r') {
                return line.substring(0, line.length() - 1);
            }
            line.append((char) c);
        }
        throw new IOException("the bus sent an overlong authentication line");
    }

    /** Our unique name on the bus. */
    String uniqueName() {
        return uniqueName;
    }

    /** Hears every signal this connection receives (on the reader thread: return quickly). */
    void onSignal(Consumer<DbusMessage> handler) {
        signalHandlers.add(handler);
    }

    /**
     * Calls a method and waits (up to 10 s) for its return.
     *
     * @throws IOException for an error reply (its name and message), a time-out or a closed bus
     */
    DbusMessage call(String destination, String path, String iface, String member, String signature,
            Consumer<DbusWriter> body) throws IOException {
        long serial = serials.incrementAndGet();
        CompletableFuture<DbusMessage> reply = new CompletableFuture<>();
        replies.put(serial, reply);
        try {
            byte[] message = DbusMessage.methodCall(serial, destination, path, iface, member, signature, body);
            synchronized (out) {
                out.write(message);
                out.flush();
            }
            DbusMessage m = reply.get(CALL_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            if (m.type() == DbusMessage.ERROR) {
                Object text = m.body().isEmpty() ? "" : m.body().get(0);
                throw new IOException(member + ": " + m.errorName() + ": " + text);
            }
            return m;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(member + ": interrupted");
        } catch (ExecutionException e) {
            throw new IOException(member + ": " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IOException(member + ": no reply within " + CALL_TIMEOUT_SECONDS + " s");
        } finally {
            replies.remove(serial);
        }
    }

    /** Emits a signal (the tests use it to play a client forging a notification server's signal). */
    void emit(String path, String iface, String member, String signature, Consumer<DbusWriter> body)
            throws IOException {
        byte[] message = DbusMessage.signal(serials.incrementAndGet(), path, iface, member, signature, body);
        synchronized (out) {
            out.write(message);
            out.flush();
        }
    }

    boolean isOpen() {
        return !closed;
    }

    private void readLoop() {
        IOException failure = null;
        try {
            DbusMessage m;
            while ((m = DbusMessage.read(in)) != null) {
                if (m.type() == DbusMessage.METHOD_RETURN || m.type() == DbusMessage.ERROR) {
                    CompletableFuture<DbusMessage> f = replies.get(m.replySerial());
                    if (f != null) {
                        f.complete(m);
                    }
                } else if (m.type() == DbusMessage.SIGNAL) {
                    for (Consumer<DbusMessage> h : signalHandlers) {
                        h.accept(m);
                    }
                }
            }
        } catch (IOException e) {
            failure = e;
        } finally {
            closed = true;
            IOException why = failure != null ? failure : new IOException("the bus closed the connection");
            replies.values().forEach(f -> f.completeExceptionally(why));
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            channel.close();
        } catch (IOException e) {
            // closing anyway
        }
    }
}
