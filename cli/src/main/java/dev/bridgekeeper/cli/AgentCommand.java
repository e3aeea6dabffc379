package dev.bridgekeeper.cli;

import dev.bridgekeeper.agent.DesktopBridge;
import dev.bridgekeeper.agent.KeyVault;
import dev.bridgekeeper.biometrics.Authenticator;
import dev.bridgekeeper.biometrics.Authenticators;
import dev.bridgekeeper.agent.internal.secure.PairingCodes;
import dev.bridgekeeper.agent.PairingRequest;
import dev.bridgekeeper.agent.ProductIdentity;
import dev.bridgekeeper.protocol.local.SocketPaths;
import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code bridgekeeper agent}: the reference desktop agent, in the foreground, with readable logs.
 *
 * <p>It stands in for a desktop application: it holds a random 32-byte demo key for the current
 * OS user (in memory only, regenerated at every start) that {@code biometric.unlock} releases after
 * the OS verifies the user. {@code bridgekeeper lock} zeroes it; {@code bridgekeeper unlock} puts it
 * back. Pairing requests can be approved on this terminal (type the code the browser shows) or with
 * {@code bridgekeeper pairings approve CODE}.
 */
@Command(name = "agent", header = "Run the reference desktop agent in the foreground.", description = {
    "Runs the reference desktop agent in the foreground, with readable logs on stderr. It holds a random "
            + "demo key in memory that biometric.unlock releases after the OS verifies the user.",
    "Approve pairing requests by typing the code the browser shows on this terminal, or with "
            + "'bridgekeeper pairings approve CODE'. Ctrl-C stops it.",
})
final class AgentCommand implements Callable<Integer> {

    static final String SAMPLE_CHROMIUM = "chrome-extension://ehcmijlhbioomifbjmghlpklegfgldmf/";
    static final String SAMPLE_FIREFOX = "moz-extension:bridgekeeper-sample@bridgekeeper.dev";

    @Spec
    CommandSpec spec;

    @Mixin
    AgentSocket socket;

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "Identity key and pairings (default: per user: ~/.local/share/bridgekeeper/agent on Linux, "
                    + "~/Library/Application Support/Bridgekeeper/agent on macOS, %%APPDATA%%\\Bridgekeeper\\agent on Windows).")
    Path dataDir;

    @Option(names = "--allow", paramLabel = "CALLER",
            description = "An extension allowed to connect: chrome-extension://<id>/ or moz-extension:<add-on id>; "
                    + "repeatable (default: the sample extension).")
    List<String> allowed = new ArrayList<>();

    @Option(names = "--authenticator", paramLabel = "NAME", defaultValue = "auto",
            completionCandidates = AuthenticatorNames.class,
            description = "How users are verified: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}: the best for this OS).")
    String authenticator;

    @Option(names = "--name", paramLabel = "NAME", defaultValue = "Bridgekeeper reference agent",
            description = "The name extensions see (default: ${DEFAULT-VALUE}).")
    String name;

    /** The --authenticator values, for help and completion. */
    static final class AuthenticatorNames implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return Authenticators.NAMES.iterator();
        }
    }

    /** The authenticator named on the command line; a usage error (exit 2) for an unknown name. */
    static Authenticator authenticator(CommandSpec spec, String name) {
        try {
            return Authenticators.forName(name);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--authenticator: " + e.getMessage());
        }
    }

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        Authenticator auth = authenticator(spec, authenticator);
        ProductIdentity product;
        try {
            product = new ProductIdentity(socket.hostNameOrDefault(), name);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--host-name: " + e.getMessage());
        }
        List<String> allowed = this.allowed.isEmpty() ? List.of(SAMPLE_CHROMIUM, SAMPLE_FIREFOX) : this.allowed;
        String user = System.getProperty("user.name");
        byte[] demoKey = new byte[32];
        new SecureRandom().nextBytes(demoKey);
        KeyVault vault = new KeyVault();
        DesktopBridge.Builder b = DesktopBridge.builder()
                .product(product)
                .socketPath(socket.orDefault())
                .dataDirectory(dataDir != null ? dataDir : product.dataDirectory())
                .identity(product.displayName(), dev.bridgekeeper.protocol.Version.VERSION)
                .authenticator(auth)
                .keyVault(vault)
                .onUnlockRequest(() -> vault.unlock(user, demoKey));
        allowed.forEach(b::allowCaller);
        for (Path sandbox : flatpakSockets(Path.of(System.getProperty("user.home")), product.hostName())) {
            b.alsoListenOn(sandbox);
        }
        DesktopBridge bridge = b.build();
        CountDownLatch stopped = new CountDownLatch(1);
        try {
            bridge.start();
        } catch (IOException | RuntimeException e) {
            err.println("bridgekeeper agent: " + e.getMessage());
            return 1;
        }
        vault.unlock(user, demoKey);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            bridge.close();
            Arrays.fill(demoKey, (byte) 0);
            stopped.countDown();
        }, "bridgekeeper-shutdown"));
        err.println("Bridgekeeper agent ready on " + bridge.socketPath() + " (authenticator: " + auth.method()
                + ", allowed: " + String.join(", ", allowed) + "). Ctrl-C stops it.");
        Console console = System.console();
        bridge.pairings().onRequest(r -> announce(r, console != null, err));
        bridge.pairings().onRequest(dev.bridgekeeper.cli.notify.PairingNotifications.forThisDesktop(bridge.pairings()));
        if (console != null) {
            Thread t = new Thread(() -> answerOnTerminal(bridge, err), "bridgekeeper-terminal");
            t.setDaemon(true);
            t.start();
        }
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    private static void announce(PairingRequest r, boolean terminal, PrintWriter err) {
        err.println();
        err.println("Pairing request from \"" + Main.printable(r.extensionName()) + "\" "
                + Main.printable(r.extensionVersion()) + " (" + Main.printable(r.callerId()) + ")");
        err.println("  The browser shows code " + r.code() + ". If it matches, approve it:");
        err.println(terminal
                ? "  type the code here and press Enter (or 'n' to reject), or run: bridgekeeper pairings approve "
                        + r.code().replace(" ", "")
                : "  bridgekeeper pairings approve " + r.code().replace(" ", ""));
    }

    /** Reads codes (approve) or "n" (reject all waiting) typed on the agent's own terminal. */
    private static void answerOnTerminal(DesktopBridge bridge, PrintWriter err) {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        try {
            String line;
            while ((line = in.readLine()) != null) {
                String t = line.trim().toLowerCase(Locale.ROOT);
                if (t.isEmpty()) {
                    continue;
                }
                if (t.equals("n") || t.equals("no") || t.equals("reject")) {
                    int n = 0;
                    for (PairingRequest r : bridge.pairings().pending()) {
                        n += bridge.pairings().reject(r.codeValue());
                    }
                    err.println("rejected " + n + " pairing request(s)");
                    continue;
                }
                int code = PairingCodes.parse(t);
                int n = code < 0 ? 0 : bridge.pairings().approve(code);
                err.println(n > 0 ? "approved" : "no pairing request shows that code");
            }
        } catch (IOException e) {
            // The terminal went away; approvals still work through 'bridgekeeper pairings'.
        }
    }

    /**
     * The sockets of Flatpak browsers the installer set up: a sandboxed browser cannot see the
     * agent's main socket, so its launcher looks in its own {@code data/<product folder>} folder.
     */
    static List<Path> flatpakSockets(Path home, String hostName) {
        String folder = SocketPaths.productFolder(hostName);
        Path apps = home.resolve(".var").resolve("app");
        List<Path> out = new java.util.ArrayList<>();
        if (!java.nio.file.Files.isDirectory(apps)) {
            return out;
        }
        try (var dirs = java.nio.file.Files.list(apps)) {
            for (Path app : dirs.sorted().toList()) {
                Path dir = app.resolve("data").resolve(folder);
                if (java.nio.file.Files.isDirectory(dir)) {
                    out.add(dir.resolve("agent.sock"));
                }
            }
        } catch (IOException e) {
            // No sandboxed browsers to serve.
        }
        return out;
    }

    /** Where the reference agent keeps its identity and pairings on this OS (the rules of {@link SocketPaths}). */
    static Path defaultDataDir() {
        return SocketPaths.dataDirectory(SocketPaths.DEFAULT_HOST_NAME);
    }
}
