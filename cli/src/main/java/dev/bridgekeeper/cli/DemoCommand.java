package dev.bridgekeeper.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bridgekeeper.agent.DesktopBridge;
import dev.bridgekeeper.agent.KeyVault;
import dev.bridgekeeper.biometrics.Authenticator;
import dev.bridgekeeper.ipc.Endpoint;
import dev.bridgekeeper.agent.internal.ipc.InMemorySessionRepository;
import dev.bridgekeeper.agent.internal.ipc.IpcClient;
import dev.bridgekeeper.ipc.RpcException;
import dev.bridgekeeper.noise.KeyPair;
import dev.bridgekeeper.agent.internal.secure.InitiatorListener;
import dev.bridgekeeper.agent.internal.secure.NoiseCryptoProvider;
import dev.bridgekeeper.agent.internal.transport.NativeHostBackend;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code bridgekeeper demo}: the whole path on a machine without a browser. It starts an agent on a
 * private socket, spawns the real host process exactly as a browser would (argv, pipes), connects a
 * Java initiator (the same protocol as the sample extension) through it, pairs (showing the code on
 * both sides), then calls {@code biometric.status} and {@code biometric.unlock} with the best
 * authenticator this machine has, printing a transcript with timings.
 */
@Command(name = "demo", header = "Pair and unlock through a real host process, printing a transcript.", description = {
    "The whole path without a browser: starts an agent on a private socket, spawns the real host process as "
            + "a browser would, pairs a Java extension client through it (showing the code on both sides), then "
            + "calls biometric.status and biometric.unlock, printing a transcript with timings.",
})
final class DemoCommand implements Callable<Integer> {

    static final String DEMO_ORIGIN = AgentCommand.SAMPLE_CHROMIUM;

    @Spec
    CommandSpec spec;

    @Option(names = "--authenticator", paramLabel = "NAME", defaultValue = "auto",
            completionCandidates = AgentCommand.AuthenticatorNames.class,
            description = "How the user is verified: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    String authenticator;

    @Override
    public Integer call() {
        Authenticator auth = AgentCommand.authenticator(spec, authenticator);
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        long t0 = System.nanoTime();
        Path dir = null;
        try {
            dir = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "bk-demo");
            // The demo's own private directory; a Unix socket path must stay short, hence the fallback.
            Path socket = dir.resolve("agent.sock");
            if (socket.toString().length() > 100) {
                socket = Files.createTempDirectory(Path.of("/tmp"), "bk").resolve("agent.sock");
            }
            out.println("== Bridgekeeper demo ==");
            CompletableFuture<String> extensionCode = new CompletableFuture<>();
            KeyVault vault = new KeyVault();
            byte[] demoKey = new byte[32];
            new SecureRandom().nextBytes(demoKey);
            vault.unlock(System.getProperty("user.name"), demoKey);
            DesktopBridge bridge = DesktopBridge.builder()
                    .socketPath(socket)
                    .dataDirectory(dir.resolve("agent"))
                    .allowCaller(DEMO_ORIGIN)
                    .identity("Bridgekeeper demo agent", dev.bridgekeeper.protocol.Version.VERSION)
                    .authenticator(auth)
                    .keyVault(vault)
                    .pairingApprover(request -> {
                        out.printf("%8.1f ms  desktop   pairing request from \"%s\" (%s), code %s%n", ms(t0),
                                Main.printable(request.extensionName()), request.callerId(), request.code());
                        // The demo is both users: it approves when the two codes match, as a person would.
                        return extensionCode.thenApply(shown -> {
                            boolean same = shown.equals(request.code());
                            out.printf("%8.1f ms  desktop   codes %s: %s%n", ms(t0), same ? "match" : "DIFFER",
                                    same ? "approved" : "rejected");
                            return same;
                        });
                    })
                    .build();
            try (bridge) {
                bridge.start();
                out.printf("%8.1f ms  agent     listening on %s%n", ms(t0), socket);
                return runExtension(out, err, t0, socket, extensionCode);
            }
        } catch (IOException | RuntimeException e) {
            err.println("demo: " + e.getMessage());
            return 1;
        } finally {
            deleteQuietly(dir);
        }
    }

    private static int runExtension(PrintWriter out, PrintWriter err, long t0, Path socket, CompletableFuture<String> code) {
        CompletableFuture<Void> ready = new CompletableFuture<>();
        InitiatorListener ui = new InitiatorListener() {
            @Override
            public void pairingCode(String c) {
                out.printf("%8.1f ms  extension shows pairing code %s%n", ms(t0), c);
                code.complete(c);
            }

            @Override
            public void ready(String desktopName, String desktopVersion) {
                out.printf("%8.1f ms  extension secure session ready with \"%s\" %s%n", ms(t0), desktopName,
                        desktopVersion);
                ready.complete(null);
            }

            @Override
            public void failed(String c, String message) {
                ready.completeExceptionally(new IOException(c + ": " + message));
            }
        };
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        NativeHostBackend host = NativeHostBackend.spawn(List.of(java, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                "-cp", System.getProperty("java.class.path"), Main.class.getName(), "host", DEMO_ORIGIN),
                Map.of("BRIDGEKEEPER_SOCKET", socket.toString()));
        IpcClient extension = IpcClient.builder()
                .backend(host)
                .cryptoProvider(NoiseCryptoProvider.initiator(KeyPair.generate(new SecureRandom()), DEMO_ORIGIN)
                        .identity("Bridgekeeper demo extension", dev.bridgekeeper.protocol.Version.VERSION).listener(ui).build())
                .sessionRepository(new InMemorySessionRepository())
                .identity("Bridgekeeper demo extension", dev.bridgekeeper.protocol.Version.VERSION)
                .build();
        try (extension) {
            out.printf("%8.1f ms  browser   spawned the host: bridgekeeper host %s%n", ms(t0), DEMO_ORIGIN);
            extension.start();
            ready.get(30, TimeUnit.SECONDS);
            long t1 = System.nanoTime();
            JsonNode status = extension.call(Endpoint.desktop(), "biometric.status", null).get(30, TimeUnit.SECONDS);
            out.printf("%8.1f ms  extension biometric.status -> %s   (%.2f ms)%n", ms(t0), status, ms(t1));
            long t2 = System.nanoTime();
            try {
                JsonNode unlocked = extension.call(Endpoint.desktop(), "biometric.unlock",
                        new ObjectMapper().createObjectNode().put("reason", "run the Bridgekeeper demo")).get(90, TimeUnit.SECONDS);
                int keyBytes = Base64.getDecoder().decode(unlocked.path("key").asText()).length;
                out.printf("%8.1f ms  extension biometric.unlock -> key for %s received (%d bytes)   (%.1f ms)%n",
                        ms(t0), unlocked.path("user").asText(), keyBytes, ms(t2));
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof RpcException r)) {
                    throw e;
                }
                out.printf("%8.1f ms  extension biometric.unlock -> error %d: %s%n", ms(t0), r.code(), r.getMessage());
                explain(out, status);
            }
            out.printf("%8.1f ms  done%n", ms(t0));
            return 0;
        } catch (ExecutionException | TimeoutException | IOException e) {
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            err.println("demo: " + cause.getMessage());
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
    }

    /** Says why the OS could not verify the user here, and what to do. */
    private static void explain(PrintWriter out, JsonNode status) {
        out.println();
        out.println("No authenticator could verify you on this machine (status \"" + status.path("status").asText()
                + "\", method " + status.path("method").asText() + ").");
        if (status.has("detail")) {
            out.println("  " + status.path("detail").asText());
        }
        out.println("  On a Linux desktop: install the polkit action (installer/install.sh --polkit) and run the demo");
        out.println("  from your graphical session, where the polkit agent can show its dialog. Over SSH or in a");
        out.println("  container there is no such agent. On Windows and macOS, Windows Hello / Touch ID must be set up.");
    }

    private static double ms(long since) {
        return (System.nanoTime() - since) / 1e6;
    }

    private static void deleteQuietly(Path dir) {
        if (dir == null) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // A temp directory left behind is harmless.
        }
    }
}
