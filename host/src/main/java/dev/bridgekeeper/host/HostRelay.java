package dev.bridgekeeper.host;

import dev.bridgekeeper.protocol.Envelopes;
import dev.bridgekeeper.protocol.Limits;
import dev.bridgekeeper.protocol.TopLevelFields;
import dev.bridgekeeper.protocol.Vocabulary;
import dev.bridgekeeper.protocol.framing.FrameException;
import dev.bridgekeeper.protocol.framing.FrameReader;
import dev.bridgekeeper.protocol.framing.FrameWriter;
import dev.bridgekeeper.protocol.framing.Frames;
import dev.bridgekeeper.protocol.local.ChannelStreams;
import dev.bridgekeeper.protocol.local.PeerCredentials;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.UserPrincipal;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;

/**
 * The browser-launched relay (PROTOCOL.md "Host lifecycle").
 *
 * <p>Two threads move frames: the stdin thread forwards browser frames to the agent's socket, and
 * the calling thread owns the connection: it connects, sends {@code hello}, then forwards agent
 * frames to stdout. Frames are forwarded verbatim from one reusable buffer per direction. When the
 * agent is absent or goes away the extension gets {@code status/desktop_unavailable} at once, and
 * the host waits for the socket to (re)appear by watching its directory, then connects again.
 * Browser frames that arrive while no agent is connected are dropped: the extension was told the
 * desktop is unavailable and must wait for {@code connected} before it starts a handshake.
 *
 * <p>End of stdin means the browser closed the port: the host exits 0 at once.
 */
public final class HostRelay {
    /** How long to wait on the directory watch before checking the socket anyway. */
    private static final long WATCH_FALLBACK_MS = isLinux() ? 2000 : 500;
    /** Longest wait for the first status when stdin ends during start-up (a loaded machine is slow). */
    private static final long FIRST_STATUS_WAIT_MS = Limits.HOST_FIRST_STATUS_WAIT_MILLIS;
    /** First pause before reconnecting after the agent ended a connection it never accepted. */
    static final long REFUSED_BACKOFF_MIN_MS = Limits.HOST_RECONNECT_BACKOFF_MIN_MILLIS;
    /** Longest such pause: a refused extension retries this often at most. */
    static final long REFUSED_BACKOFF_MAX_MS = Limits.HOST_RECONNECT_BACKOFF_MAX_MILLIS;

    private final CallerId caller;
    private final Path socketPath;
    private final InputStream stdin;
    private final FrameWriter toBrowser;
    private final int maxFromBrowser;
    private final PrintStream log;
    private final IntConsumer exit;

    /** Opens once the first connection attempt has told the browser where it stands. */
    private final java.util.concurrent.CountDownLatch firstStatus = new java.util.concurrent.CountDownLatch(1);
    private volatile Connection current;
    private volatile boolean stopping;
    /** The exit code the stdin thread chose; written before {@link #stopping} is set. */
    private volatile int exitCode;
    private volatile WatchService watcher;
    /** Opens on shutdown; backoff pauses wait on it. */
    private final java.util.concurrent.CountDownLatch stopSignal = new java.util.concurrent.CountDownLatch(1);

    /** How one connection to the agent went. */
    private record Session(boolean forwardedAny, boolean accepted) {}

    /** One live socket connection to the agent. */
    private static final class Connection {
        final SocketChannel channel;
        final FrameWriter writer;

        Connection(SocketChannel channel, FrameWriter writer) {
            this.channel = channel;
            this.writer = writer;
        }

        void close() {
            try {
                channel.close();
            } catch (IOException ignored) {
                // Already broken; it is being replaced either way.
            }
        }
    }

    /**
     * @param caller         who launched the host
     * @param socketPath     the agent's socket
     * @param stdin          the browser's frames
     * @param stdout         the only stream frames to the browser go to
     * @param maxFromBrowser largest frame accepted from the browser (and forwarded to the agent)
     * @param log            diagnostics (stderr); never frames, never payloads
     * @param exit           how to end the process (called once, from the stdin thread, on EOF)
     */
    public HostRelay(CallerId caller, Path socketPath, InputStream stdin, OutputStream stdout,
            int maxFromBrowser, PrintStream log, IntConsumer exit) {
        this.caller = caller;
        this.socketPath = socketPath;
        this.stdin = stdin;
        this.toBrowser = new FrameWriter(stdout, Frames.MAX_TO_BROWSER);
        this.maxFromBrowser = maxFromBrowser;
        this.log = log;
        this.exit = exit;
    }

    /** Runs until stdin ends or a browser frame breaks the protocol; returns the exit code. */
    public int run() {
        // A subclass, not this::pumpBrowserToAgent: no lambda bootstrap before the first frame.
        Thread in = new Thread("bridgekeeper-stdin") {
            @Override
            public void run() {
                pumpBrowserToAgent();
            }
        };
        in.setDaemon(true);
        in.start();
        try {
            boolean reported = false;
            int refusals = 0;
            while (!stopping) {
                Connection c = connectOrWait(reported);
                if (c == null) {
                    break;
                }
                Session s = pumpAgentToBrowser(c, reported);
                reported = true; // The extension knows the desktop is unavailable now.
                // An agent that refuses this caller (or dies while accepting) ends the connection at
                // once; reconnecting at full speed would flood it and the browser. Back off instead.
                refusals = s.accepted() ? 0 : refusals + 1;
                if (refusals > 0 && !pause(backoffMillis(refusals))) {
                    break;
                }
            }
        } catch (IOException e) {
            // stdout is gone: the browser closed the port, nothing is left to serve.
            if (!stopping) {
                log.println("bridgekeeper-host: cannot write to the browser: " + e.getMessage());
            }
        }
        // When stdin ended (or broke the protocol) the stdin thread chose the code; returning it
        // keeps a main thread that finishes first from ending the process with 0.
        return stopping ? exitCode : 0;
    }

    /**
     * Connects to the agent, reporting unavailability (unless already reported) and waiting
     * while it is absent.
     */
    private Connection connectOrWait(boolean reported) throws IOException {
        while (!stopping) {
            String why;
            if (!Files.exists(socketPath)) {
                // Nothing to connect to: skipping the attempt keeps the JDK's socket set-up (its
                // class initialisation seeds a SecureRandom, ~20 ms cold) off the way to the status.
                why = "no desktop agent socket at ";
            } else {
                try {
                    Connection c = connect();
                    if (c != null) {
                        return c;
                    }
                    why = "another OS user serves the socket ";
                } catch (IOException absent) {
                    why = "no desktop agent is listening on ";
                }
            }
            if (!reported) {
                toBrowser.writeText(JsonText.status(Vocabulary.STATE_DESKTOP_UNAVAILABLE, "desktop app is not running"));
                // Built after the status is out: the browser should not wait for log text.
                log.println("bridgekeeper-host: " + why + socketPath + "; waiting for it");
                reported = true;
            }
            firstStatus.countDown();
            awaitSocketChange();
        }
        return null;
    }

    /** One attempt: connect, check the peer, send hello. Null if the peer is another OS user. */
    private Connection connect() throws IOException {
        SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            ch.connect(UnixDomainSocketAddress.of(socketPath));
            Optional<UserPrincipal> peer = PeerCredentials.peerUser(ch);
            if (peer.isPresent() && !peer.get().getName().equals(System.getProperty("user.name"))) {
                ch.close();
                return null;
            }
            FrameWriter writer = new FrameWriter(ChannelStreams.output(ch), maxFromBrowser);
            Connection c = new Connection(ch, writer);
            // Publish the connection and write hello under the writer's lock: a browser frame the
            // stdin thread forwards meanwhile waits for the lock, so hello is always first.
            synchronized (writer) {
                current = c;
                writer.writeText(JsonText.hello(caller, ProcessHandle.current().pid()));
            }
            firstStatus.countDown();
            if (stopping) {
                c.close();
                return null;
            }
            return c;
        } catch (IOException | RuntimeException e) {
            current = null;
            ch.close();
            throw e;
        }
    }

    /** The pause before the {@code n}-th reconnect in a row after refusals: doubling, capped. */
    static long backoffMillis(int n) {
        return Math.min(REFUSED_BACKOFF_MAX_MS, REFUSED_BACKOFF_MIN_MS << Math.min(n - 1, 16));
    }

    /** Waits {@code millis} unless the host stops first; false when it is stopping. */
    private boolean pause(long millis) {
        try {
            return !stopSignal.await(millis, TimeUnit.MILLISECONDS) && !stopping;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * Forwards agent frames to the browser until the agent goes away. Socket failures end this
     * connection only; a failure writing stdout propagates (the browser is gone).
     *
     * @param reported whether the extension was already told the desktop is unavailable: a
     *                 connection that ends before the agent said anything does not repeat that
     */
    private Session pumpAgentToBrowser(Connection c, boolean reported) throws IOException {
        FrameReader reader = new FrameReader(ChannelStreams.input(c.channel), Frames.MAX_TO_BROWSER);
        String why = "the desktop app closed the connection";
        boolean forwardedAny = false;
        boolean accepted = false;
        try {
            while (true) {
                int n;
                try {
                    n = reader.next();
                } catch (FrameException e) {
                    why = "the desktop app sent a bad frame (" + e.getMessage() + ")";
                    if (e.kind() != FrameException.Kind.TRUNCATED_FRAME) {
                        tellAgent(c, e);
                    }
                    break;
                } catch (IOException e) {
                    why = "the connection to the desktop app broke";
                    break;
                }
                if (n < 0) {
                    break;
                }
                if (!forwardedAny) {
                    accepted = isConnectedStatus(reader.buffer(), FrameReader.PAYLOAD_OFFSET, n);
                }
                toBrowser.forward(reader);
                forwardedAny = true;
            }
        } finally {
            current = null;
            c.close();
        }
        if (!stopping && (forwardedAny || !reported)) {
            log.println("bridgekeeper-host: " + why);
            toBrowser.writeText(JsonText.status(Vocabulary.STATE_DESKTOP_UNAVAILABLE, "desktop app went away"));
        }
        return new Session(forwardedAny, accepted);
    }

    /**
     * Whether an agent's first frame is its {@code status/connected}, read with the protocol
     * module's small JSON reader (the host loads no JSON library, to start fast). Anything else,
     * an {@code error} above all, means the agent did not accept this connection.
     */
    static boolean isConnectedStatus(byte[] b, int off, int len) {
        return TopLevelFields.isConnectedStatus(b, off, len);
    }

    private void tellAgent(Connection c, FrameException e) {
        try {
            c.writer.writeText(Envelopes.error(e.kind().code(), e.getMessage()));
        } catch (IOException ignored) {
            // The agent is being disconnected either way.
        }
    }

    /** Blocks until the socket's directory changes (or a fallback interval passes). */
    private void awaitSocketChange() {
        try {
            if (watcher == null) {
                watcher = FileSystems.getDefault().newWatchService();
            }
            Path dir = nearestExistingDir(socketPath.getParent());
            WatchKey key = dir == null ? null : dir.register(watcher,
                    StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY);
            if (stopping) {
                return;
            }
            WatchKey fired = watcher.poll(WATCH_FALLBACK_MS, TimeUnit.MILLISECONDS);
            if (fired != null) {
                fired.pollEvents();
                fired.reset();
            }
            if (key != null && key != fired) {
                key.cancel();
            }
        } catch (ClosedWatchServiceException | InterruptedException e) {
            // Shutting down.
        } catch (IOException e) {
            // No watch possible here (e.g. too many inotify watches): fall back to a timed wait.
            try {
                Thread.sleep(WATCH_FALLBACK_MS);
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static Path nearestExistingDir(Path dir) {
        while (dir != null && !Files.isDirectory(dir)) {
            dir = dir.getParent();
        }
        return dir;
    }

    /** The stdin thread: browser frames to the agent; EOF ends the process. */
    private void pumpBrowserToAgent() {
        FrameReader reader = new FrameReader(stdin, maxFromBrowser);
        int code = 0;
        try {
            while (reader.next() >= 0) {
                Connection c = current;
                if (c == null) {
                    continue; // No agent: the extension was told and must wait for `connected`.
                }
                try {
                    c.writer.forward(reader);
                } catch (IOException agentGone) {
                    // The agent side notices too and reports desktop_unavailable.
                    c.close();
                }
            }
        } catch (FrameException e) {
            code = 1;
            log.println("bridgekeeper-host: bad frame from the browser: " + e.getMessage());
            try {
                toBrowser.writeText(Envelopes.error(e.kind().code(), e.getMessage()));
            } catch (IOException ignored) {
                // The browser is gone too.
            }
        } catch (IOException e) {
            code = 0; // stdin broke: the browser went away.
        }
        // A caller that closes stdin at once (the doctor's launch check, the installer's CDS
        // training run) still gets the first status. This waits only when EOF beats the first
        // connection attempt, i.e. during start-up; an EOF later exits at once.
        try {
            firstStatus.await(FIRST_STATUS_WAIT_MS, java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        exitCode = code;
        shutdown();
        exit.accept(code);
    }

    private void shutdown() {
        stopping = true;
        stopSignal.countDown();
        Connection c = current;
        if (c != null) {
            c.close();
        }
        WatchService w = watcher;
        if (w != null) {
            try {
                w.close();
            } catch (IOException ignored) {
                // Exiting.
            }
        }
    }

    private static boolean isLinux() {
        return System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("linux");
    }

}
