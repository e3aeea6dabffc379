package dev.bridgekeeper.cli;

import dev.bridgekeeper.framing.FrameReader;
import dev.bridgekeeper.framing.FrameWriter;
import dev.bridgekeeper.framing.Frames;
import dev.bridgekeeper.transport.LocalSocketServer;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code bridgekeeper demo}: the main job on a machine without a browser. It starts an agent on a
 * private socket, spawns the real host process exactly as a browser would (argv, pipes), and
 * prints a transcript with timings.
 */
final class DemoCommand {
    private DemoCommand() {}

    static final String DEMO_ORIGIN = "chrome-extension://ehcmijlhbioomifbjmghlpklegfgldmf/";

    static int run(String[] args) {
        PrintStream out = System.out;
        Path dir = null;
        try {
            dir = Files.createTempDirectory(Path.of("/tmp"), "bk-demo");
            Path socket = dir.resolve("agent.sock");
            out.println("== Bridgekeeper demo (echo agent) ==");
            try (LocalSocketServer agent = LocalSocketServer.start(socket, EchoAgentCommand::serve)) {
                out.println("agent     listening on " + socket);
                long t0 = System.nanoTime();
                Process host = spawnHost(socket);
                FrameWriter toHost = new FrameWriter(host.getOutputStream(), Frames.DEFAULT_MAX_FRAME);
                FrameReader fromHost = new FrameReader(host.getInputStream(), Frames.MAX_TO_BROWSER);
                out.printf("browser   <- %s   (%.1f ms after spawn)%n", fromHost.readJsonText(), ms(t0));
                String msg = "{\"topic\":\"demo\",\"payload\":\"hello through the relay\"}";
                long t1 = System.nanoTime();
                toHost.writeText(msg);
                out.printf("browser   -> %s%n", msg);
                out.printf("browser   <- %s   (round trip %.2f ms)%n", fromHost.readJsonText(), ms(t1));
                host.getOutputStream().close();
                boolean exited = host.waitFor(5, TimeUnit.SECONDS);
                out.printf("host      exited %s after its stdin closed%n", exited ? "with " + host.exitValue() : "late");
            }
            return 0;
        } catch (IOException | InterruptedException e) {
            System.err.println("demo: " + e.getMessage());
            return 1;
        } finally {
            if (dir != null) {
                dir.toFile().delete();
            }
        }
    }

    /** Starts {@code bridgekeeper host} with this JVM's own java and class path, as a browser would. */
    static Process spawnHost(Path socket) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classPath = System.getProperty("java.class.path");
        ProcessBuilder pb = new ProcessBuilder(List.of(java, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                "-Xshare:auto", "-cp", classPath, Main.class.getName(), "host", DEMO_ORIGIN));
        pb.environment().put("BRIDGEKEEPER_SOCKET", socket.toString());
        pb.redirectError(ProcessBuilder.Redirect.INHERIT);
        return pb.start();
    }

    private static double ms(long since) {
        return (System.nanoTime() - since) / 1e6;
    }

}
