package dev.bridgekeeper.testing;

import dev.bridgekeeper.protocol.framing.FrameReader;
import dev.bridgekeeper.protocol.framing.FrameWriter;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A real {@code bridgekeeper host} process started the way a browser starts it: argv with the
 * caller, stdin/stdout pipes, stderr captured. Frames on stdout are parsed by a background thread;
 * anything on stdout that is not a frame makes {@link #nextFrame} fail.
 */
public final class HostProcess implements AutoCloseable {
    public static final String CHROME_ORIGIN = "chrome-extension://ehcmijlhbioomifbjmghlpklegfgldmf/";
    private static final Object EOF = new Object();

    private final Process process;
    private final OutputStream stdin;
    private final FrameWriter writer;
    private final BlockingQueue<Object> frames = new LinkedBlockingQueue<>();
    private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();

    private HostProcess(Process process, int maxFrame) {
        this.process = process;
        this.stdin = process.getOutputStream();
        this.writer = new FrameWriter(stdin, 64 * 1024 * 1024);
        Thread out = new Thread(() -> readFrames(process.getInputStream(), maxFrame), "test-host-stdout");
        out.setDaemon(true);
        out.start();
        Thread err = new Thread(() -> copy(process.getErrorStream()), "test-host-stderr");
        err.setDaemon(true);
        err.start();
    }

    /** Starts {@code bridgekeeper host <args>} with only the host jar (host and protocol classes) on its class path. */
    public static HostProcess start(Path socket, String... args) throws IOException {
        return start(socket, List.of(), System.getProperty("bridgekeeper.hostJar"), Map.of(), args);
    }

    /** Starts a host with extra JVM options, class path and environment. */
    public static HostProcess start(Path socket, List<String> jvmOptions, String classPath,
            Map<String, String> env, String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(javaBinary());
        cmd.add("-XX:TieredStopAtLevel=1");
        cmd.add("-XX:+UseSerialGC");
        cmd.addAll(jvmOptions);
        cmd.add("-cp");
        cmd.add(classPath);
        cmd.add("dev.bridgekeeper.host.HostMain");
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("BRIDGEKEEPER_SOCKET", socket.toString());
        pb.environment().putAll(env);
        return new HostProcess(pb.start(), 64 * 1024 * 1024);
    }

    public static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** The full test class path (project classes and every dependency). */
    public static String fullClassPath() {
        return System.getProperty("java.class.path");
    }

    private void readFrames(InputStream in, int maxFrame) {
        FrameReader r = new FrameReader(in, maxFrame);
        try {
            byte[] f;
            while ((f = r.readFrame()) != null) {
                frames.add(f);
            }
            frames.add(EOF);
        } catch (IOException e) {
            frames.add(e);
        }
    }

    private void copy(InputStream in) {
        byte[] b = new byte[4096];
        try {
            int n;
            while ((n = in.read(b)) > 0) {
                synchronized (stderr) {
                    stderr.write(b, 0, n);
                }
            }
        } catch (IOException ignored) {
            // Process ended.
        }
    }

    /** The next frame on stdout as text; fails on timeout, on end of stdout, or on a non-frame. */
    public String nextFrame(long timeout, TimeUnit unit) throws Exception {
        byte[] f = nextFrameBytes(timeout, unit);
        return new String(f, StandardCharsets.UTF_8);
    }

    public byte[] nextFrameBytes(long timeout, TimeUnit unit) throws Exception {
        Object o = frames.poll(timeout, unit);
        if (o == null) {
            throw new AssertionError("no frame from the host within " + timeout + " " + unit + "; stderr: " + stderr());
        }
        if (o == EOF) {
            frames.add(EOF);
            throw new AssertionError("host stdout ended; stderr: " + stderr());
        }
        if (o instanceof IOException) {
            throw new AssertionError("host stdout is not a clean frame stream", (IOException) o);
        }
        return (byte[]) o;
    }

    /** True when stdout ended cleanly with nothing more pending. */
    public boolean stdoutEndedCleanly(long timeout, TimeUnit unit) throws InterruptedException {
        Object o = frames.poll(timeout, unit);
        return o == EOF;
    }

    public void send(String json) throws IOException {
        writer.writeText(json);
    }

    public void send(byte[] payload) throws IOException {
        writer.write(payload);
    }

    /** Writes raw bytes (for malformed frames). */
    public void sendRaw(byte[] bytes) throws IOException {
        stdin.write(bytes);
        stdin.flush();
    }

    public void closeStdin() throws IOException {
        stdin.close();
    }

    /** Waits for exit; fails if the process is still running after the timeout. */
    public int waitForExit(long timeout, TimeUnit unit) throws InterruptedException {
        if (!process.waitFor(timeout, unit)) {
            throw new AssertionError("host did not exit within " + timeout + " " + unit + "; stderr: " + stderr());
        }
        return process.exitValue();
    }

    public Process process() {
        return process;
    }

    public String stderr() {
        synchronized (stderr) {
            return stderr.toString(StandardCharsets.UTF_8);
        }
    }

    @Override
    public void close() {
        process.destroyForcibly();
        try {
            process.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
