package dev.bridgekeeper.fuzz;

import dev.bridgekeeper.agent.internal.ipc.ConnectionInfo;
import dev.bridgekeeper.agent.internal.ipc.CryptoProvider;
import dev.bridgekeeper.agent.internal.ipc.PeerIdentity;
import dev.bridgekeeper.agent.internal.ipc.SessionRepository;
import java.util.ArrayList;
import java.util.List;

/**
 * A fake of the layer above a crypto session (the {@code IpcClient}'s side of {@link
 * CryptoProvider.SessionIo}) that records what the session under test does with it: frames sent,
 * messages delivered, {@code ready} and {@code close} calls, and anything done after closing.
 */
public final class RecordingSessionIo implements CryptoProvider.SessionIo {
    private final ConnectionInfo info;
    private final SessionRepository sessions;
    private final int maxMessageSize;

    private final List<byte[]> sent = new ArrayList<>();
    private final List<byte[]> delivered = new ArrayList<>();
    private final List<PeerIdentity> readies = new ArrayList<>();
    private final List<String> afterClose = new ArrayList<>();
    private int closes;
    /** How many frames had been sent when the first {@code ready} came. */
    private int sentAtReady = -1;

    public RecordingSessionIo(ConnectionInfo info, SessionRepository sessions, int maxMessageSize) {
        this.info = info;
        this.sessions = sessions;
        this.maxMessageSize = maxMessageSize;
    }

    @Override
    public ConnectionInfo info() {
        return info;
    }

    @Override
    public SessionRepository sessions() {
        return sessions;
    }

    @Override
    public int maxMessageSize() {
        return maxMessageSize;
    }

    @Override
    public synchronized void sendFrame(byte[] frame) {
        if (closes > 0) {
            afterClose.add("sendFrame");
        }
        sent.add(frame.clone());
    }

    @Override
    public synchronized void deliver(byte[] message) {
        if (closes > 0) {
            afterClose.add("deliver");
        }
        delivered.add(message.clone()); // The session may zero its array once this returns.
    }

    @Override
    public synchronized void ready(PeerIdentity identity) {
        if (closes > 0) {
            afterClose.add("ready");
        }
        if (sentAtReady < 0) {
            sentAtReady = sent.size();
        }
        readies.add(identity);
    }

    @Override
    public synchronized void close() {
        closes++;
    }

    public synchronized List<byte[]> sent() {
        return new ArrayList<>(sent);
    }

    public synchronized List<byte[]> delivered() {
        return new ArrayList<>(delivered);
    }

    public synchronized List<PeerIdentity> readies() {
        return new ArrayList<>(readies);
    }

    public synchronized int closes() {
        return closes;
    }

    /** What the session did after it had asked for the connection to close (should be nothing). */
    public synchronized List<String> afterClose() {
        return new ArrayList<>(afterClose);
    }
}
