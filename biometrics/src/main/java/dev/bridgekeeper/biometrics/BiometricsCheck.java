package dev.bridgekeeper.biometrics;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A manual check of the authenticator on a real machine (docs/biometrics-manual-test.md):
 *
 * <pre>
 *   java -cp bridgekeeper.jar dev.bridgekeeper.biometrics.BiometricsCheck [--method NAME] status
 *   java -cp bridgekeeper.jar dev.bridgekeeper.biometrics.BiometricsCheck [--method NAME] verify
 *        [--timeout SECONDS] [--cancel-after SECONDS] [--reason TEXT]
 * </pre>
 *
 * Prints one line per fact and exits 0 when the command ran (whatever the outcome), 2 on bad usage.
 */
public final class BiometricsCheck {
    static final String USAGE = "usage: BiometricsCheck [--method auto|polkit|windows-hello|touch-id|none] "
            + "status | verify [--timeout SECONDS] [--cancel-after SECONDS] [--reason TEXT]";

    private BiometricsCheck() {}

    public static void main(String[] args) throws Exception {
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) throws Exception {
        String method = "auto";
        String command = null;
        Duration timeout = VerificationRequest.DEFAULT_TIMEOUT;
        Duration cancelAfter = null;
        String reason = "Test Bridgekeeper unlock";
        List<String> rest = new ArrayList<>(List.of(args));
        try {
            while (!rest.isEmpty()) {
                String arg = rest.remove(0);
                switch (arg) {
                    case "--method": method = value(rest, arg); break;
                    case "--timeout": timeout = Duration.ofSeconds(Long.parseLong(value(rest, arg))); break;
                    case "--cancel-after": cancelAfter = Duration.ofSeconds(Long.parseLong(value(rest, arg))); break;
                    case "--reason": reason = value(rest, arg); break;
                    case "status":
                    case "verify":
                        command = arg;
                        break;
                    default:
                        throw new IllegalArgumentException("unknown argument " + arg);
                }
            }
            if (command == null) {
                throw new IllegalArgumentException("status or verify?");
            }
        } catch (IllegalArgumentException e) {
            err.println(e.getMessage());
            err.println(USAGE);
            return 2;
        }
        try (Authenticator authenticator = Authenticators.forName(method)) {
            out.println("method: " + authenticator.method());
            BiometricStatus status = authenticator.status();
            out.println("status: " + status.availability().wireName() + (status.detail() == null ? "" : " (" + status.detail() + ")"));
            if (command.equals("verify")) {
                long started = System.nanoTime();
                CompletableFuture<Verification> pending =
                        authenticator.verify(new VerificationRequest(reason, 0, timeout));
                Verification result;
                if (cancelAfter != null) {
                    try {
                        result = pending.get(cancelAfter.toMillis(), TimeUnit.MILLISECONDS);
                    } catch (TimeoutException e) {
                        pending.cancel(true);
                        out.println("cancelled by BiometricsCheck after " + cancelAfter.toSeconds() + " s");
                        return 0;
                    }
                } else {
                    result = pending.get();
                }
                out.println("outcome: " + result.outcome() + (result.detail() == null ? "" : " (" + result.detail() + ")"));
                out.println("took: " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started) + " ms");
            }
        }
        return 0;
    }

    private static String value(List<String> rest, String option) {
        if (rest.isEmpty()) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return rest.remove(0);
    }
}
