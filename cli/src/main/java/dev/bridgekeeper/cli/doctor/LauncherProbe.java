package dev.bridgekeeper.cli.doctor;

import dev.bridgekeeper.agent.internal.registration.Text;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Starts a launcher the way a browser does (its argv, its folder as working directory), closes
 * its stdin at once, and expects one valid native messaging frame on stdout and a clean exit.
 */
final class LauncherProbe {
    private LauncherProbe() {}

    /** Largest frame a browser accepts from a host. */
    static final int MAX_FRAME = 1_048_576;
    /** Stop reading stdout after this much; a host does not answer EOF with more. */
    private static final int MAX_STDOUT = 4 * MAX_FRAME;
    private static final int MAX_STDERR = 8 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * How the start went.
     *
     * @param ok      whether the launcher behaved as a browser needs
     * @param message what happened, for a person
     */
    record Result(boolean ok, String message) {}

    /** The first frame's content, or why the output is not what a browser needs. */
    record FrameRead(JsonNode first, String error, int frames) {}

    static Result probe(Path launcher, List<String> browserArgs, Duration timeout) {
        List<String> command = new ArrayList<>();
        command.add(launcher.toString());
        command.addAll(browserArgs);
        ProcessBuilder builder = new ProcessBuilder(command);
        Path dir = launcher.getParent();
        if (dir != null) {
            // Both Chrome and Firefox run the host in its own folder.
            builder.directory(dir.toFile());
        }
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            return new Result(false, "could not start " + launcher + ": " + Text.printable(String.valueOf(e.getMessage()), 200));
        }
        try {
            ByteArrayOutputStream stderr = new ByteArrayOutputStream();
            Thread stderrDrain = daemon("doctor-stderr", () -> drain(process.getErrorStream(), stderr));
            CompletableFuture<FrameRead> firstFrame = new CompletableFuture<>();
            CompletableFuture<FrameRead> wholeOutput = new CompletableFuture<>();
            daemon("doctor-stdout", () -> {
                try {
                    FrameRead first = readFirst(process.getInputStream());
                    firstFrame.complete(first);
                    wholeOutput.complete(first.error() != null ? first : readRest(process.getInputStream(), first.first()));
                } catch (IOException | RuntimeException e) {
                    firstFrame.completeExceptionally(e);
                    wholeOutput.completeExceptionally(e);
                }
            });
            try {
                process.getOutputStream().close(); // EOF on stdin: the browser closed the port
            } catch (IOException e) {
                // The process already exited; the frame reader will tell.
            }
            long limit = timeout.toMillis();
            try {
                firstFrame.get(limit, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                return new Result(false, "no frame on stdout within " + limit + " ms of start" + stderrTail(stderr, stderrDrain));
            } catch (ExecutionException e) {
                return new Result(false, "reading its stdout failed: " + Text.printable(String.valueOf(e.getCause()), 200));
            }
            if (!process.waitFor(limit, TimeUnit.MILLISECONDS)) {
                return new Result(false, "did not exit within " + limit
                        + " ms after stdin closed (browsers kill it after 2-3 s)" + stderrTail(stderr, stderrDrain));
            }
            int exit = process.exitValue();
            FrameRead read;
            try {
                // The process is gone, so its stdout ends soon (unless a child inherited it).
                read = wholeOutput.get(limit, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                return new Result(false, "exited, but something it started keeps its stdout open");
            } catch (ExecutionException e) {
                return new Result(false, "reading its stdout failed: " + Text.printable(String.valueOf(e.getCause()), 200));
            }
            if (read.error() != null) {
                return new Result(false, read.error() + " (exit code " + exit + ")" + stderrTail(stderr, stderrDrain));
            }
            if (exit != 0) {
                return new Result(false, "wrote a frame but exited with code " + exit + stderrTail(stderr, stderrDrain));
            }
            JsonNode first = read.first();
            String state = first.path("state").isTextual() ? " (" + Text.printable(first.get("state").asText(), 60) + ")" : "";
            return new Result(true, "started, answered with a '" + Text.printable(first.get("type").asText(), 60)
                    + "' frame" + state + " and exited cleanly on EOF");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(false, "interrupted");
        } finally {
            if (process.isAlive()) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
            }
        }
    }

    /** Reads frames until EOF: the first must be a JSON object with a string type, the rest whole frames. */
    static FrameRead readFrames(InputStream in) throws IOException {
        FrameRead first = readFirst(in);
        return first.error() != null ? first : readRest(in, first.first());
    }

    /** Reads the first frame only; on a bad one, drains the stream so the process is not blocked. */
    static FrameRead readFirst(InputStream in) throws IOException {
        byte[] header = in.readNBytes(4);
        if (header.length == 0) {
            return new FrameRead(null, "exited without writing a frame", 0);
        }
        if (header.length < 4) {
            return new FrameRead(null, "wrote " + header.length + " bytes, not a frame", 0);
        }
        long length = Integer.toUnsignedLong(ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN).getInt());
        if (length == 0 || length > MAX_FRAME) {
            in.transferTo(OutputStream.nullOutputStream());
            return new FrameRead(null, "first frame announces " + length + " bytes (must be 1.." + MAX_FRAME
                    + "); is something other than the host writing to stdout?", 0);
        }
        byte[] body = in.readNBytes((int) length);
        if (body.length < length) {
            return new FrameRead(null, "first frame announces " + length + " bytes but only " + body.length + " came", 0);
        }
        JsonNode first;
        try {
            String text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(body)).toString();
            first = JSON.readTree(text);
        } catch (CharacterCodingException e) {
            in.transferTo(OutputStream.nullOutputStream());
            return new FrameRead(null, "first frame is not UTF-8", 0);
        } catch (IOException e) {
            in.transferTo(OutputStream.nullOutputStream());
            return new FrameRead(null, "first frame is not JSON", 0);
        }
        if (first == null || !first.isObject() || !first.path("type").isTextual()) {
            in.transferTo(OutputStream.nullOutputStream());
            return new FrameRead(null, "first frame is not a JSON object with a \"type\"", 0);
        }
        return new FrameRead(first, null, 1);
    }

    /** Reads to EOF after the first frame: anything there must be whole frames too. */
    static FrameRead readRest(InputStream in, JsonNode first) throws IOException {
        byte[] rest = in.readNBytes(MAX_STDOUT);
        in.transferTo(OutputStream.nullOutputStream());
        ByteBuffer buf = ByteBuffer.wrap(rest).order(ByteOrder.LITTLE_ENDIAN);
        int count = 1;
        while (buf.remaining() > 0) {
            if (buf.remaining() < 4) {
                return new FrameRead(first, "wrote " + buf.remaining() + " stray bytes after " + count + " frame(s)", count);
            }
            long next = Integer.toUnsignedLong(buf.getInt());
            if (next == 0 || next > MAX_FRAME || next > buf.remaining()) {
                return new FrameRead(first, "wrote bytes that are not a frame after " + count + " frame(s)", count);
            }
            buf.position(buf.position() + (int) next);
            count++;
        }
        return new FrameRead(first, null, count);
    }

    private static void drain(InputStream in, ByteArrayOutputStream keep) {
        byte[] chunk = new byte[4096];
        try {
            int n;
            while ((n = in.read(chunk)) > 0) {
                synchronized (keep) {
                    if (keep.size() < MAX_STDERR) {
                        keep.write(chunk, 0, Math.min(n, MAX_STDERR - keep.size()));
                    }
                }
            }
        } catch (IOException e) {
            // The process went away; what we have is enough.
        }
    }

    private static String stderrTail(ByteArrayOutputStream stderr, Thread drain) {
        try {
            drain.join(200);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        String text;
        synchronized (stderr) {
            text = stderr.toString(StandardCharsets.UTF_8);
        }
        String tail = Text.tail(text);
        return tail.isEmpty() ? "" : "; its stderr ends: " + tail;
    }

    private static Thread daemon(String name, Runnable body) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        t.start();
        return t;
    }
}
