package dev.bridgekeeper.host;

import dev.bridgekeeper.protocol.Limits;
import dev.bridgekeeper.protocol.framing.Frames;
import dev.bridgekeeper.protocol.local.SocketPaths;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.IntConsumer;

/**
 * {@code bridgekeeper host <browser args>}: what the native messaging manifest starts.
 *
 * <p>The first thing it does is take stdout away from everything else: the real stdout becomes a
 * private stream only the frame writer uses, and {@code System.out} is pointed at stderr, so a
 * stray print anywhere can never corrupt the frame stream.
 */
public final class HostMain {
    private HostMain() {}

    /** Environment variable: largest frame accepted from the browser, in bytes. */
    public static final String ENV_MAX_FRAME = "BRIDGEKEEPER_MAX_FRAME";
    private static final int MAX_CONFIGURABLE_FRAME = Limits.MAX_CONFIGURABLE_FRAME_BYTES;

    /**
     * Entry point of {@code bridgekeeper-host.jar}. A launcher written by an older installer
     * passes the subcommand name {@code host} first; no browser argument is ever that word, so it
     * is dropped.
     */
    public static void main(String[] args) {
        String[] browserArgs = args.length > 0 && args[0].equals("host")
                ? java.util.Arrays.copyOfRange(args, 1, args.length) : args;
        int code = run(browserArgs);
        if (code != 0) {
            System.exit(code);
        }
    }

    /**
     * The launcher's product argument, {@code --host-name=NAME}, which it passes before the
     * browser's own arguments: which product's agent this host relays to. A launcher written
     * before products had names passes none and gets {@link SocketPaths#DEFAULT_HOST_NAME}.
     */
    public static final String HOST_NAME_ARG = "--host-name=";

    public static int run(String[] args) {
        FileOutputStream stdout = new FileOutputStream(FileDescriptor.out);
        PrintStream stderr = System.err;
        System.setOut(stderr);
        if (args.length == 1 && (args[0].equals("--help") || args[0].equals("-h"))) {
            stderr.println("usage: bridgekeeper host [--host-name=NAME] chrome-extension://<id>/ [--parent-window=N]");
            stderr.println("       bridgekeeper host [--host-name=NAME] <manifest path> <firefox add-on id>");
            stderr.println("Started by the browser through the native messaging manifest; relays frames");
            stderr.println("between the extension (stdin/stdout) and the desktop agent's socket.");
            stderr.println("--host-name=NAME (from the launcher): the product whose agent to reach (default "
                    + SocketPaths.DEFAULT_HOST_NAME + ")");
            stderr.println("Environment: " + SocketPaths.ENV_OVERRIDE + " (socket path), "
                    + ENV_MAX_FRAME + " (largest browser frame, bytes)");
            return 0;
        }
        String hostName = SocketPaths.DEFAULT_HOST_NAME;
        if (args.length > 0 && args[0].startsWith(HOST_NAME_ARG)) {
            hostName = args[0].substring(HOST_NAME_ARG.length());
            args = java.util.Arrays.copyOfRange(args, 1, args.length);
        }
        Path socket;
        try {
            socket = SocketPaths.pathFor(hostName);
        } catch (IllegalArgumentException e) {
            stderr.println("bridgekeeper-host: the launcher passed a bad " + HOST_NAME_ARG + ": " + e.getMessage());
            return 2;
        }
        if (Files.exists(socket)) {
            // An agent is probably there: prepare the JDK's socket machinery while we parse.
            new ConnectWarmup().start();
        }
        CallerId caller;
        try {
            caller = CallerId.parse(args);
        } catch (IllegalArgumentException e) {
            stderr.println("bridgekeeper-host: " + e.getMessage());
            return 2;
        }
        int maxFrame;
        try {
            maxFrame = maxFrameFromEnv(System.getenv(ENV_MAX_FRAME));
        } catch (IllegalArgumentException e) {
            stderr.println("bridgekeeper-host: " + e.getMessage());
            return 2;
        }
        HostRelay relay = new HostRelay(caller, socket, new FileInputStream(FileDescriptor.in),
                stdout, maxFrame, stderr, new Halt());
        return relay.run();
    }

    /** Ends the process at once (a class, not a lambda: no lambda bootstrap on the host's path). */
    private static final class Halt implements IntConsumer {
        @Override
        public void accept(int code) {
            Runtime.getRuntime().halt(code);
        }
    }

    static int maxFrameFromEnv(String value) {
        if (value == null || value.isBlank()) {
            return Frames.DEFAULT_MAX_FRAME;
        }
        try {
            int v = Integer.parseInt(value.trim());
            if (v >= Limits.MIN_CONFIGURABLE_FRAME_BYTES && v <= MAX_CONFIGURABLE_FRAME) {
                return v;
            }
        } catch (NumberFormatException ignored) {
            // Reported below.
        }
        throw new IllegalArgumentException(ENV_MAX_FRAME + " must be a number of bytes from 1024 to "
                + MAX_CONFIGURABLE_FRAME);
    }
}
