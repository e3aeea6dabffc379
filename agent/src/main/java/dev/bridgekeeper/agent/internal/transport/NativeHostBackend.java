package dev.bridgekeeper.agent.internal.transport;

import dev.bridgekeeper.agent.internal.ipc.JsonLimits;
import dev.bridgekeeper.protocol.local.ChannelStreams;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bridgekeeper.protocol.Version;
import dev.bridgekeeper.protocol.framing.FrameReader;
import dev.bridgekeeper.protocol.framing.FrameWriter;
import dev.bridgekeeper.protocol.framing.Frames;
import dev.bridgekeeper.agent.internal.ipc.CommunicationBackend;
import dev.bridgekeeper.agent.internal.ipc.ConnectionInfo;
import dev.bridgekeeper.agent.internal.ipc.IpcException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The extension's side of native messaging, for Java clients (the demo, tests, benchmarks): the
 * {@link CommunicationBackend} of an initiator. It either starts a real host process and talks to
 * its stdin/stdout exactly as a browser does, or connects straight to an agent socket and sends
 * the host's {@code hello} itself.
 *
 * <p>The host's {@code status} envelopes become connection events: {@code connected} opens a new
 * connection to {@link dev.bridgekeeper.ipc.Endpoint#desktop()} (a fresh handshake follows), and
 * {@code desktop_unavailable} closes it. So after an agent restart the client reconnects by itself.
 * {@link #close(String)} is the browser's {@code port.disconnect()}: it ends the host process.
 */
public final class NativeHostBackend implements CommunicationBackend {
    private static final Logger log = LoggerFactory.getLogger(NativeHostBackend.class);
    private static final ObjectMapper JSON = JsonLimits.mapper(Frames.DEFAULT_MAX_FRAME);

    private final Opener opener;
    private final AtomicLong ids = new AtomicLong();
    private volatile Listener listener;
    private volatile Link link;
    private volatile String current;
    private volatile boolean closed;

    /** What a started backend talks through. */
    private record Link(InputStream in, FrameWriter out, AutoCloseable resource) {}

    @FunctionalInterface
    private interface Opener {
        Link open() throws IOException;
    }

    private NativeHostBackend(Opener opener) {
        this.opener = opener;
    }

    /**
     * Starts {@code command} (e.g. {@code java -jar bridgekeeper.jar host chrome-extension://…/})
     * as a browser would: argv, pipes, the extra environment; its stderr goes to ours.
     */
    public static NativeHostBackend spawn(List<String> command, Map<String, String> env) {
        return new NativeHostBackend(() -> {
            ProcessBuilder pb = new ProcessBuilder(command);
            pb.environment().putAll(env);
            pb.redirectError(ProcessBuilder.Redirect.INHERIT);
            Process p = pb.start();
            return new Link(p.getInputStream(), new FrameWriter(p.getOutputStream(), Frames.DEFAULT_MAX_FRAME), () -> {
                p.getOutputStream().close(); // EOF: the host exits at once.
                if (!p.waitFor(2, TimeUnit.SECONDS)) {
                    p.destroyForcibly(); // What browsers do after their grace period.
                }
            });
        });
    }

    /** Connects straight to an agent socket, playing the host's part (its {@code hello}). */
    public static NativeHostBackend direct(Path socket, String browser, String callerId) {
        return new NativeHostBackend(() -> {
            SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
            try {
                ch.connect(UnixDomainSocketAddress.of(socket));
            } catch (IOException e) {
                ch.close();
                throw e;
            }
            FrameWriter w = new FrameWriter(ChannelStreams.output(ch), Frames.DEFAULT_MAX_FRAME);
            ObjectNode hello = JSON.createObjectNode();
            hello.put("type", "hello");
            hello.put("protocol", Version.PROTOCOL);
            hello.putObject("host").put("version", Version.VERSION).put("pid", ProcessHandle.current().pid());
            hello.putObject("caller").put("browser", browser).put("id", callerId);
            w.write(JSON.writeValueAsBytes(hello));
            return new Link(ChannelStreams.input(ch), w, ch);
        });
    }

    @Override
    public synchronized void start(Listener listener) throws IOException {
        if (this.listener != null || closed) {
            throw new IllegalStateException("already started or closed");
        }
        this.listener = listener;
        this.link = opener.open();
        Thread t = new Thread(this::readLoop, "bridgekeeper-host-reader");
        t.setDaemon(true);
        t.start();
    }

    private void readLoop() {
        FrameReader reader = new FrameReader(link.in(), Frames.MAX_TO_BROWSER);
        try {
            byte[] frame;
            while ((frame = reader.readFrame()) != null) {
                onFrame(frame);
            }
        } catch (IOException e) {
            if (!closed) {
                log.info("the host's output broke: {}", e.getMessage());
            }
        } finally {
            endCurrent();
        }
    }

    private void onFrame(byte[] frame) {
        JsonNode n;
        try {
            n = JSON.readTree(frame);
        } catch (IOException e) {
            n = null;
        }
        if (n != null && "status".equals(n.path("type").asText())) {
            String state = n.path("state").asText();
            if (state.equals("connected")) {
                endCurrent();
                String id = "h" + ids.incrementAndGet();
                current = id;
                listener.opened(ConnectionInfo.toDesktop(id));
            } else if (state.equals("desktop_unavailable")) {
                endCurrent();
            }
            return;
        }
        String id = current;
        if (id != null) {
            listener.frame(id, frame);
        } else if (n != null && "error".equals(n.path("type").asText())) {
            log.info("the host reported {} while no desktop was connected", n.path("code").asText());
        }
    }

    private synchronized void endCurrent() {
        String id = current;
        if (id != null) {
            current = null;
            listener.closed(id);
        }
    }

    @Override
    public void send(String connectionId, byte[] frame) {
        if (closed || !connectionId.equals(current)) {
            throw new IpcException("connection " + connectionId + " is closed");
        }
        try {
            link.out().write(frame);
        } catch (IOException e) {
            throw new IpcException("the host is gone: " + e.getMessage(), e);
        }
    }

    /** Ends the whole port (as {@code port.disconnect()} does): the host process exits. */
    @Override
    public void close(String connectionId) {
        if (connectionId.equals(current)) {
            close();
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        Link l = link;
        if (l != null) {
            try {
                l.resource().close();
            } catch (Exception e) {
                log.debug("closing the host link: {}", e.toString());
            }
        }
        endCurrent();
    }
}
