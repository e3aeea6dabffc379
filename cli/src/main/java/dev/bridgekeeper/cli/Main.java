package dev.bridgekeeper.cli;

import dev.bridgekeeper.protocol.UntrustedText;
import java.util.Arrays;

/**
 * Entry point of {@code bridgekeeper.jar}.
 *
 * <p>Kept deliberately small: the browser starts {@code host} on every connection, so that word is
 * dispatched here before anything else loads (no picocli, logging, JSON or crypto). Every other
 * command goes through {@link BridgekeeperCommand}, which is only loaded then.
 */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        int code = run(args);
        if (code != 0) {
            System.exit(code);
        }
    }

    /** Runs a command and returns its exit code; never calls System.exit itself (tests call this). */
    static int run(String[] args) {
        if (args.length > 0 && args[0].equals("host")) {
            return dev.bridgekeeper.host.HostMain.run(Arrays.copyOfRange(args, 1, args.length));
        }
        return BridgekeeperCommand.execute(System.out, System.err, args);
    }

    /** Echoes untrusted text to a terminal without control characters (the protocol's one sanitiser). */
    static String printable(String s) {
        return UntrustedText.printable(s, 200);
    }
}
