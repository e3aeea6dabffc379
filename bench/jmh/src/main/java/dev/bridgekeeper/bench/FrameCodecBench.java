package dev.bridgekeeper.bench;

import dev.bridgekeeper.protocol.framing.FrameReader;
import dev.bridgekeeper.protocol.framing.FrameWriter;
import dev.bridgekeeper.protocol.framing.Frames;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The frame codec of PROTOCOL.md §1 without I/O: reading a frame from a stream that hands out a
 * repeated frame, writing one to a discarding stream, forwarding one verbatim (the relay's hot
 * path), and the UTF-8 + object-shape check of a payload.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class FrameCodecBench {
    @Param({"128", "65536", "524288"})
    int size;

    byte[] payload;
    FrameReader reader;
    FrameWriter writer;

    @Setup
    public void setUp() {
        payload = Payloads.jsonObject(size);
        byte[] frame = new byte[Frames.HEADER_BYTES + size];
        Frames.encodeLength(size, frame, 0);
        System.arraycopy(payload, 0, frame, Frames.HEADER_BYTES, size);
        reader = new FrameReader(new RepeatingStream(frame), Frames.DEFAULT_MAX_FRAME);
        writer = new FrameWriter(OutputStream.nullOutputStream(), Frames.DEFAULT_MAX_FRAME);
    }

    @Benchmark
    public int read() throws IOException {
        return reader.next();
    }

    @Benchmark
    public void write() throws IOException {
        writer.write(payload);
    }

    @Benchmark
    public void readAndForward() throws IOException {
        reader.next();
        writer.forward(reader);
    }

    @Benchmark
    public String decodeJsonText() throws IOException {
        return FrameReader.decodeJsonObjectText(payload, 0, payload.length);
    }

    /** An endless stream of one frame, handing out as much as asked up to the frame's end. */
    static final class RepeatingStream extends InputStream {
        private final byte[] frame;
        private int pos;

        RepeatingStream(byte[] frame) {
            this.frame = frame;
        }

        @Override
        public int read() {
            int b = frame[pos] & 0xFF;
            pos = (pos + 1) % frame.length;
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            int n = Math.min(len, frame.length - pos);
            System.arraycopy(frame, pos, b, off, n);
            pos = (pos + n) % frame.length;
            return n;
        }
    }
}
