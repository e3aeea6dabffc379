package dev.bridgekeeper.cli;

import dev.bridgekeeper.protocol.Version;
import dev.bridgekeeper.protocol.framing.FrameReader;
import dev.bridgekeeper.protocol.framing.FrameWriter;
import dev.bridgekeeper.protocol.framing.Frames;
import dev.bridgekeeper.agent.internal.transport.LocalConnection;
import dev.bridgekeeper.agent.internal.transport.LocalSocketServer;
import dev.bridgekeeper.protocol.local.SocketPaths;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * {@code bridgekeeper echo-agent}: a stand-in agent that accepts the host's hello, answers
 * {@code status/connected} and then echoes every frame back. For trying a host by hand and for the
 * relay benchmarks; it does no crypto and holds no secrets.
 */
final class EchoAgentCommand {
    private EchoAgentCommand() {}

    static int run(String[] args) {
        Path socket = SocketPaths.defaultPath();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--socket") && i + 1 < args.length) {
                socket = Path.of(args[++i]);
            } else if (args[i].equals("--help")) {
                System.out.println("usage: bridgekeeper echo-agent [--socket PATH]");
                return 0;
            } else {
                System.err.println("echo-agent: unknown option '" + Main.printable(args[i]) + "'");
                return 2;
            }
        }
        try (LocalSocketServer server = LocalSocketServer.start(socket, EchoAgentCommand::serve)) {
            System.err.println("echo-agent: listening on " + server.path() + " (Ctrl-C to stop)");
            new CountDownLatch(1).await();
            return 0;
        } catch (IOException e) {
            System.err.println("echo-agent: " + e.getMessage());
            return 1;
        } catch (InterruptedException e) {
            return 0;
        }
    }

    /** Serves one connection: hello, connected, then echo. */
    static void serve(LocalConnection conn) {
        try (conn) {
            FrameReader reader = new FrameReader(conn.input(), Frames.DEFAULT_MAX_FRAME);
            FrameWriter writer = new FrameWriter(conn.output(), Frames.MAX_TO_BROWSER);
            String hello = reader.readJsonText();
            if (hello == null || !hello.contains("\"hello\"")) {
                writer.writeText("{\"type\":\"error\",\"code\":\"protocol_error\",\"message\":\"expected hello\"}");
                return;
            }
            writer.writeText("{\"type\":\"status\",\"state\":\"connected\",\"desktop\":{\"name\":\"echo-agent\","
                    + "\"version\":\"" + Version.VERSION + "\"}}");
            while (reader.next() >= 0) {
                writer.forward(reader);
            }
        } catch (IOException e) {
            // A client that breaks its connection ends only its own echo.
        }
    }
}
