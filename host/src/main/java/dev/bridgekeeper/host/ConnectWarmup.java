package dev.bridgekeeper.host;

import dev.bridgekeeper.protocol.local.PeerCredentials;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.nio.channels.SocketChannel;

/**
 * Does the JDK's one-time set-up for the first agent connection on a second thread, while the main
 * thread parses the browser's arguments.
 *
 * <p>Opening the first Unix-domain socket channel initialises the JDK's socket classes, whose
 * initialisation seeds a {@code SecureRandom} (the security providers load), and the hello needs
 * {@code ProcessHandle}: about 25 ms on a cold JVM (measured in bench/README.md). Done here it
 * overlaps with the rest of start-up instead of adding to the time to the first frame; a class is
 * initialised once, so the main thread either finds the work done or waits for it to finish.
 * Nothing is connected here: the relay makes the real connection and reports its failures.
 */
final class ConnectWarmup extends Thread {
    ConnectWarmup() {
        super("bridgekeeper-warmup");
        setDaemon(true);
    }

    @Override
    public void run() {
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            PeerCredentials.supported(channel);
            ProcessHandle.current().pid();
        } catch (IOException | RuntimeException ignored) {
            // Only a head start: the real connection attempt meets and reports any problem.
        }
    }
}
