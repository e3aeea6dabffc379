package dev.bridgekeeper.golden;

import dev.bridgekeeper.agent.internal.ipc.CommunicationBackend;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Wraps a backend and appends every frame its side sends to a shared transcript, before handing it
 * on. Recording before delivery keeps the transcript in causal order: a frame the peer sends in
 * answer can only be recorded after the frame that caused it.
 */
final class RecordingBackend implements CommunicationBackend {
    /** One frame as it went over the wire. */
    record Frame(String from, String text) {}

    private final CommunicationBackend inner;
    private final String side;
    private final List<Frame> transcript;

    /** {@code transcript} must be synchronized; both sides append to it. */
    RecordingBackend(CommunicationBackend inner, String side, List<Frame> transcript) {
        this.inner = inner;
        this.side = side;
        this.transcript = transcript;
    }

    @Override
    public void start(Listener listener) throws IOException {
        inner.start(listener);
    }

    @Override
    public void send(String connectionId, byte[] frame) {
        transcript.add(new Frame(side, new String(frame, StandardCharsets.UTF_8)));
        inner.send(connectionId, frame);
    }

    @Override
    public void close(String connectionId) {
        inner.close(connectionId);
    }

    @Override
    public void close() {
        inner.close();
    }
}
