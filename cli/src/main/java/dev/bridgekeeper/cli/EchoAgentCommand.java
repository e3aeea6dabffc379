package dev.bridgekeeper.cli;

import dev.bridgekeeper.protocol.Version;
import dev.bridgekeeper.protocol.framing.FrameReader;
import dev.bridgekeeper.protocol.framing.FrameWriter;
import dev.bridgekeeper.protocol.framing.Frames;
import dev.bridgekeeper.agent.internal.transport.LocalConnection;
import dev.bridgekeeper.agent.internal.transport.LocalSocketServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code bridgekeeper echo-agent}: a stand-in agent that accepts the host's hello, answers
 * {@code status/connected} and then echoes every frame back. For trying a host by hand and for the
 * relay benchmarks; it does no crypto and holds no secrets.
 */
@Command(name = "echo-agent", header = "A stand-in agent that echoes frames (for trying the host by hand).", description = {
    "A stand-in agent that answers the host's hello with status/connected, then echoes every frame back: "
            + "for trying a host by hand and for the relay benchmarks. No crypto, no secrets. Ctrl-C stops it.",
})
final class EchoAgentCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    AgentSocket socket;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        try (LocalSocketServer server = LocalSocketServer.start(socket.orDefault(), EchoAgentCommand::serve)) {
            err.println("echo-agent: listening on " + server.path() + " (Ctrl-C to stop)");
            new CountDownLatch(1).await();
            return 0;
        } catch (IOException e) {
            err.println("echo-agent: " + e.getMessage());
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
