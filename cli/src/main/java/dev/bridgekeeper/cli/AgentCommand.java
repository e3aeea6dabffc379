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
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;

/**
 * {@code bridgekeeper agent}: the reference desktop agent, in the foreground, with readable logs;
 * {@code --host-name} runs it as another product (its own socket and data folder).
 *
 * <p>It stands in for a desktop application: it holds a random 32-byte demo key for the current
 * OS user (in memory only, regenerated at every start) that {@code biometric.unlock} releases after
 * the OS verifies the user. {@code bridgekeeper lock} zeroes it; {@code bridgekeeper unlock} puts it
 * back. Pairing requests can be approved on this terminal (type the code the browser shows) or with
 * {@code bridgekeeper pairings approve CODE}.
 */
final class AgentCommand {
    private AgentCommand() {}

    static final String SAMPLE_CHROMIUM = "chrome-extension://ehcmijlhbioomifbjmghlpklegfgldmf/";
    static final String SAMPLE_FIREFOX = "moz-extension:bridgekeeper-sample@bridgekeeper.dev";

    static final String USAGE = String.join("\n",
            "usage: bridgekeeper agent [--host-name H] [--socket P] [--data-dir D] [--allow CALLER]... [--authenticator A]",
            "                          [--name N]",
            "  --host-name H       the product's native messaging host name, reverse-DNS such as com.example.vault",
            "                      (default " + SocketPaths.DEFAULT_HOST_NAME + "); it picks the socket and data folder",
            "  --socket P          socket path (default: the product's, for " + SocketPaths.DEFAULT_HOST_NAME + " "
                    + SocketPaths.defaultPath() + ")",
            "  --data-dir D        identity key and pairings (default: the product's, for "
                    + SocketPaths.DEFAULT_HOST_NAME + " " + defaultDataDir() + ")",
            "  --allow CALLER      an extension allowed to connect, e.g. chrome-extension://<id>/ or",
            "                      moz-extension:<add-on id>; repeatable (default: the sample extension)",
            "  --authenticator A   " + String.join("|", Authenticators.NAMES) + " (default auto: the best for this OS)",
            "  --name N            the name extensions see (default Bridgekeeper reference agent)");

    static int run(String[] args) {
        if (args.length > 0 && (args[0].equals("--help") || args[0].equals("-h"))) {
            System.out.println(USAGE);
            return 0;
        }
        Options o;
        Authenticator auth;
        ProductIdentity product;
        try {
            o = Options.parse(args, List.of("--host-name", "--socket", "--data-dir", "--allow", "--authenticator", "--name"),
                    List.of());
            if (!o.positional.isEmpty()) {
                throw new IllegalArgumentException("unexpected argument '" + Main.printable(o.positional.get(0)) + "'");
            }
            auth = Authenticators.forName(o.value("--authenticator", "auto"));
            product = new ProductIdentity(o.value("--host-name", SocketPaths.DEFAULT_HOST_NAME),
                    o.value("--name", "Bridgekeeper reference agent"));
        } catch (IllegalArgumentException e) {
            System.err.println("bridgekeeper agent: " + e.getMessage());
            System.err.println(USAGE);
            return 2;
        }
        List<String> allowed = o.values("--allow");
        if (allowed.isEmpty()) {
            allowed = List.of(SAMPLE_CHROMIUM, SAMPLE_FIREFOX);
        }
        String user = System.getProperty("user.name");
        byte[] demoKey = new byte[32];
        new SecureRandom().nextBytes(demoKey);
        KeyVault vault = new KeyVault();
        DesktopBridge.Builder b = DesktopBridge.builder()
                .product(product)
                .socketPath(o.path("--socket", product.socketPath()))
                .dataDirectory(o.path("--data-dir", product.dataDirectory()))
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
            System.err.println("bridgekeeper agent: " + e.getMessage());
            return 1;
        }
        vault.unlock(user, demoKey);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            bridge.close();
            Arrays.fill(demoKey, (byte) 0);
            stopped.countDown();
        }, "bridgekeeper-shutdown"));
        System.err.println("Bridgekeeper agent ready on " + bridge.socketPath() + " (authenticator: " + auth.method()
                + ", allowed: " + String.join(", ", allowed) + "). Ctrl-C stops it.");
        Console console = System.console();
        bridge.pairings().onRequest(r -> announce(r, console != null));
        bridge.pairings().onRequest(dev.bridgekeeper.cli.notify.PairingNotifications.forThisDesktop(bridge.pairings()));
        if (console != null) {
            Thread t = new Thread(() -> answerOnTerminal(bridge), "bridgekeeper-terminal");
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

    private static void announce(PairingRequest r, boolean terminal) {
        System.err.println();
        System.err.println("Pairing request from \"" + Main.printable(r.extensionName()) + "\" "
                + Main.printable(r.extensionVersion()) + " (" + Main.printable(r.callerId()) + ")");
        System.err.println("  The browser shows code " + r.code() + ". If it matches, approve it:");
        System.err.println(terminal
                ? "  type the code here and press Enter (or 'n' to reject), or run: bridgekeeper pairings approve "
                        + r.code().replace(" ", "")
                : "  bridgekeeper pairings approve " + r.code().replace(" ", ""));
    }

    /** Reads codes (approve) or "n" (reject all waiting) typed on the agent's own terminal. */
    private static void answerOnTerminal(DesktopBridge bridge) {
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
                    System.err.println("rejected " + n + " pairing request(s)");
                    continue;
                }
                int code = PairingCodes.parse(t);
                int n = code < 0 ? 0 : bridge.pairings().approve(code);
                System.err.println(n > 0 ? "approved" : "no pairing request shows that code");
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
