package dev.bridgekeeper.biometrics.internal.polkit;

import dev.bridgekeeper.biometrics.BiometricStatus;
import dev.bridgekeeper.biometrics.Platform;
import dev.bridgekeeper.biometrics.Verification;
import dev.bridgekeeper.biometrics.VerificationRequest;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * Runs the real {@link PolkitAuthenticator} once, in a child JVM started by
 * {@link PolkitIntegrationIT} as a non-root test user (root is always authorized by polkit).
 * Prints one {@code key=value} line per fact; no JUnit on its classpath.
 *
 * <pre>
 *   PolkitProbe status ACTION_ID
 *   PolkitProbe verify ACTION_ID TIMEOUT_MS [--wait-start]
 *   PolkitProbe cancel ACTION_ID ROUNDS     (per round: waits for "start", verifies, waits for "cancel", cancels)
 * </pre>
 *
 * It prints its pid first. With {@code --wait-start} (and always for {@code cancel}) it then waits
 * for a {@code start} line on stdin, so the test can register a polkit agent for this process.
 */
public final class PolkitProbe {
    static final String SETUP_HINT = "install the action file (integration test hint)";

    private PolkitProbe() {}

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        String actionId = args[1];
        print("pid", String.valueOf(ProcessHandle.current().pid()));
        BufferedReader stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        PolkitAuthenticator authenticator = new PolkitAuthenticator(Platform.current(), JnaPolkitPort::load, actionId,
                SETUP_HINT, Duration.ofSeconds(10));
        switch (mode) {
            case "status": {
                BiometricStatus status = authenticator.status();
                print("availability", status.availability().wireName());
                print("detail", status.detail());
                break;
            }
            case "verify": {
                Duration timeout = Duration.ofMillis(Long.parseLong(args[2]));
                if (args.length > 3 && args[3].equals("--wait-start")) {
                    awaitLine(stdin, "start");
                }
                Verification verification = authenticator.verify(
                        new VerificationRequest("Bridgekeeper integration test", 0, timeout)).get();
                print("outcome", verification.outcome().name());
                print("detail", verification.detail());
                print("idle", String.valueOf(authenticator.runner().awaitIdle(Duration.ofSeconds(15))));
                break;
            }
            case "cancel": {
                int rounds = Integer.parseInt(args[2]);
                for (int round = 1; round <= rounds; round++) {
                    awaitLine(stdin, "start");
                    CompletableFuture<Verification> pending = authenticator.verify(
                            new VerificationRequest("Bridgekeeper integration test", 0, Duration.ofSeconds(50)));
                    print("started" + round, "true");
                    awaitLine(stdin, "cancel");
                    boolean cancelled = pending.cancel(true);
                    print("cancelled" + round, String.valueOf(cancelled && pending.isCancelled()));
                    print("idle" + round, String.valueOf(authenticator.runner().awaitIdle(Duration.ofSeconds(15))));
                }
                break;
            }
            default:
                throw new IllegalArgumentException("unknown mode " + mode);
        }
        print("jna.tmpdir", System.getProperty("jna.tmpdir"));
        print("done", "true");
        System.exit(0);
    }

    private static void awaitLine(BufferedReader stdin, String expected) throws Exception {
        print("waiting", expected);
        String line;
        while ((line = stdin.readLine()) != null) {
            if (line.strip().equals(expected)) {
                return;
            }
        }
        throw new IllegalStateException("stdin closed before '" + expected + "'");
    }

    private static void print(String key, String value) {
        System.out.println(key + "=" + (value == null ? "" : value.replace('\n', ' ')));
        System.out.flush();
    }
}
