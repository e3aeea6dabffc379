package dev.bridgekeeper.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** Runs CLI commands in the test JVM, capturing what they print. */
public final class MainAccess {
    private MainAccess() {}

    /** Exit code and output of one command. */
    public record Result(int code, String out, String err) {}

    /** The Flatpak sockets the reference agent would also listen on for this home. */
    public static java.util.List<java.nio.file.Path> flatpakSockets(java.nio.file.Path home) {
        return AgentCommand.flatpakSockets(home, dev.bridgekeeper.protocol.local.SocketPaths.DEFAULT_HOST_NAME);
    }

    public static synchronized Result run(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            int code = Main.run(args);
            return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }
}
