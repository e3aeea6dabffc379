package dev.bridgekeeper.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bridgekeeper.protocol.local.SocketPaths;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code bridgekeeper pairings list|approve CODE|reject CODE|revoke ID}, {@code lock},
 * {@code unlock} and {@code status}: talk to a running agent over its socket.
 */
final class AdminCommands {
    private AdminCommands() {}

    static final String PAIRINGS_USAGE = String.join("\n",
            "usage: bridgekeeper pairings list [--json] [--socket P]",
            "       bridgekeeper pairings approve CODE [--socket P]   approve the request showing CODE",
            "       bridgekeeper pairings reject CODE [--socket P]",
            "       bridgekeeper pairings revoke ID [--socket P]      the extension must pair again");

    static int pairings(String[] args) {
        return run(args, PAIRINGS_USAGE, (o, client, out) -> {
            String verb = o.positional.isEmpty() ? "" : o.positional.get(0);
            String arg = o.positional.size() > 1 ? o.positional.get(1) : null;
            switch (verb) {
                case "list":
                    JsonNode r = client.call("pairings.list", null);
                    if (o.has("--json")) {
                        out.println(r.toPrettyString());
                    } else {
                        printList(r, out);
                    }
                    return 0;
                case "approve":
                case "reject":
                    requireArg(arg, "a six-digit code");
                    JsonNode a = client.call("pairings." + verb, arg);
                    out.println((verb.equals("approve") ? "approved " : "rejected ")
                            + a.path(verb.equals("approve") ? "approved" : "rejected").asInt() + " pairing request(s)");
                    return 0;
                case "revoke":
                    requireArg(arg, "a pairing id");
                    JsonNode v = client.call("pairings.revoke", arg);
                    out.println("revoked " + arg + "; disconnected " + v.path("disconnected").asInt() + " connection(s)");
                    return 0;
                default:
                    throw new IllegalArgumentException("expected list, approve, reject or revoke");
            }
        });
    }

    static int lock(String[] args, boolean lock) {
        String usage = "usage: bridgekeeper " + (lock ? "lock" : "unlock") + " [--socket P]";
        return run(args, usage, (o, client, out) -> {
            JsonNode r = client.call(lock ? "lock" : "unlock", null);
            out.println(r.path("locked").asBoolean() ? "the agent is locked" : "the agent is unlocked");
            return 0;
        });
    }

    static int status(String[] args) {
        return run(args, "usage: bridgekeeper status [--socket P]", (o, client, out) -> {
            out.println(client.call("status", null).toPrettyString());
            return 0;
        });
    }

    private static void printList(JsonNode r, PrintStream out) {
        JsonNode pending = r.path("pending");
        out.println(pending.size() == 0 ? "No pairing requests are waiting." : "Waiting for approval:");
        for (JsonNode p : pending) {
            out.printf("  code %s  %s %s  (%s)  key %s%n", p.path("code").asText(), Main.printable(p.path("name").asText()),
                    Main.printable(p.path("version").asText()), Main.printable(p.path("callerId").asText()),
                    p.path("fingerprint").asText().substring(0, 16));
        }
        JsonNode paired = r.path("pairings");
        out.println(paired.size() == 0 ? "No extensions are paired." : "Paired extensions:");
        for (JsonNode p : paired) {
            out.printf("  %s  %s  (%s)  paired %s%s%n", p.path("id").asText(), Main.printable(p.path("name").asText()),
                    Main.printable(p.path("callerId").asText()), p.path("created").asText(),
                    p.has("lastSeen") ? ", last seen " + p.path("lastSeen").asText() : "");
        }
    }

    private static void requireArg(String arg, String what) {
        if (arg == null) {
            throw new IllegalArgumentException("needs " + what);
        }
    }

    @FunctionalInterface
    private interface Action {
        int run(Options o, AdminClient client, PrintStream out) throws IOException;
    }

    private static int run(String[] args, String usage, Action action) {
        if (args.length > 0 && (args[0].equals("--help") || args[0].equals("-h"))) {
            System.out.println(usage);
            return 0;
        }
        Options o;
        try {
            o = Options.parse(args, List.of("--socket", "--host-name"), List.of("--json"));
        } catch (IllegalArgumentException e) {
            System.err.println("bridgekeeper: " + e.getMessage());
            System.err.println(usage);
            return 2;
        }
        Path socket;
        try {
            socket = o.path("--socket", SocketPaths.pathFor(o.value("--host-name", SocketPaths.DEFAULT_HOST_NAME)));
        } catch (IllegalArgumentException e) {
            System.err.println("bridgekeeper: --host-name: " + e.getMessage());
            return 2;
        }
        try (AdminClient client = AdminClient.connect(socket)) {
            return action.run(o, client, System.out);
        } catch (IllegalArgumentException e) {
            System.err.println("bridgekeeper: " + e.getMessage());
            System.err.println(usage);
            return 2;
        } catch (IOException e) {
            System.err.println("bridgekeeper: " + e.getMessage());
            return 1;
        }
    }
}
