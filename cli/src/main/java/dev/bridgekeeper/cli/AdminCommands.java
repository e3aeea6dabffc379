package dev.bridgekeeper.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code bridgekeeper pairings list|approve CODE|reject CODE|revoke ID}, {@code lock},
 * {@code unlock} and {@code status}: talk to a running agent over its socket. With {@code --json}
 * each prints the agent's answer (PROTOCOL.md §7) as one JSON object.
 */
final class AdminCommands {
    private AdminCommands() {}

    /** What every admin command shares: the socket, --json, and how a call fails. */
    abstract static class AdminCall implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        AgentSocket socket;

        @Option(names = "--json", description = "Print the agent's answer as JSON (the shape is in the description).")
        boolean json;

        /** Runs against the agent; 1 with the reason when none runs there or it refuses. */
        @Override
        public final Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            try (AdminClient client = AdminClient.connect(socket.orDefault())) {
                JsonNode result = run(client);
                if (json) {
                    out.println(result.toPrettyString());
                } else {
                    print(result, out);
                }
                return 0;
            } catch (IOException e) {
                spec.commandLine().getErr().println("bridgekeeper: " + e.getMessage());
                return 1;
            }
        }

        abstract JsonNode run(AdminClient client) throws IOException;

        abstract void print(JsonNode result, PrintWriter out);
    }

    @Command(name = "pairings", header = "Manage pairings: list, approve CODE, reject CODE, revoke ID.",
            description = "Manage the pairings of a running agent: list them, approve or reject a waiting "
                    + "request by the code the browser shows, revoke a pairing.",
            subcommands = {Pairings.ListAll.class, Pairings.Approve.class, Pairings.Reject.class, Pairings.Revoke.class})
    static final class Pairings implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            throw new ParameterException(spec.commandLine(), "Missing command: list, approve CODE, reject CODE or revoke ID");
        }

        @Command(name = "list", header = "List waiting pairing requests and paired extensions.", description = {
            "Lists pairing requests waiting for approval and paired extensions.",
            "With --json: {\"pending\":[{\"connection\",\"name\",\"version\",\"callerId\",\"code\",\"fingerprint\"}],"
                    + " \"pairings\":[{\"id\",\"name\",\"callerId\",\"fingerprint\",\"created\",\"lastSeen\" (once seen)}]}.",
        })
        static final class ListAll extends AdminCall {
            @Override
            JsonNode run(AdminClient client) throws IOException {
                return client.call("pairings.list", null);
            }

            @Override
            void print(JsonNode r, PrintWriter out) {
                JsonNode pending = r.path("pending");
                out.println(pending.size() == 0 ? "No pairing requests are waiting." : "Waiting for approval:");
                for (JsonNode p : pending) {
                    out.printf("  code %s  %s %s  (%s)  key %s%n", p.path("code").asText(),
                            Main.printable(p.path("name").asText()), Main.printable(p.path("version").asText()),
                            Main.printable(p.path("callerId").asText()), p.path("fingerprint").asText().substring(0, 16));
                }
                JsonNode paired = r.path("pairings");
                out.println(paired.size() == 0 ? "No extensions are paired." : "Paired extensions:");
                for (JsonNode p : paired) {
                    out.printf("  %s  %s  (%s)  paired %s%s%n", p.path("id").asText(), Main.printable(p.path("name").asText()),
                            Main.printable(p.path("callerId").asText()), p.path("created").asText(),
                            p.has("lastSeen") ? ", last seen " + p.path("lastSeen").asText() : "");
                }
            }
        }

        /** approve and reject: the same call with another verb. */
        abstract static class Answer extends AdminCall {
            @Parameters(paramLabel = "CODE", description = "The six-digit code the browser shows, e.g. 042917.")
            String code;

            private final String verb;

            /** The answer's field and the word printed: approved, rejected. */
            private final String done;

            Answer(String verb, String done) {
                this.verb = verb;
                this.done = done;
            }

            @Override
            JsonNode run(AdminClient client) throws IOException {
                return client.call("pairings." + verb, code);
            }

            @Override
            void print(JsonNode r, PrintWriter out) {
                out.println(done + " " + r.path(done).asInt() + " pairing request(s)");
            }
        }

        @Command(name = "approve", header = "Approve the pairing request that shows CODE.", description = {
            "Approves the pairing request that shows CODE. Exit status 1 when none does.",
            "With --json: {\"approved\":<number of requests>}.",
        })
        static final class Approve extends Answer {
            Approve() {
                super("approve", "approved");
            }
        }

        @Command(name = "reject", header = "Reject the pairing request that shows CODE.", description = {
            "Rejects the pairing request that shows CODE. Exit status 1 when none does.",
            "With --json: {\"rejected\":<number of requests>}.",
        })
        static final class Reject extends Answer {
            Reject() {
                super("reject", "rejected");
            }
        }

        @Command(name = "revoke", header = "Revoke a pairing; the extension must pair again.", description = {
            "Revokes a pairing (its id is in 'pairings list') and disconnects the extension: it must pair again.",
            "With --json: {\"revoked\":\"<id>\",\"disconnected\":<number of connections>}.",
        })
        static final class Revoke extends AdminCall {
            @Parameters(paramLabel = "ID", description = "The pairing's id.")
            String id;

            @Override
            JsonNode run(AdminClient client) throws IOException {
                return client.call("pairings.revoke", id);
            }

            @Override
            void print(JsonNode r, PrintWriter out) {
                out.println("revoked " + Main.printable(id) + "; disconnected " + r.path("disconnected").asInt()
                        + " connection(s)");
            }
        }
    }

    /** lock and unlock: the same call with another verb. */
    abstract static class LockState extends AdminCall {
        private final String command;

        LockState(String command) {
            this.command = command;
        }

        @Override
        JsonNode run(AdminClient client) throws IOException {
            return client.call(command, null);
        }

        @Override
        void print(JsonNode r, PrintWriter out) {
            out.println(r.path("locked").asBoolean() ? "the agent is locked" : "the agent is unlocked");
        }
    }

    @Command(name = "lock", header = "Lock the running agent's key vault.", description = {
        "Locks the running agent's key vault (extensions get desktop.locked).",
        "With --json: {\"locked\":true}.",
    })
    static final class Lock extends LockState {
        Lock() {
            super("lock");
        }
    }

    @Command(name = "unlock", header = "Unlock the running agent's key vault.", description = {
        "Unlocks the running agent's key vault (extensions get desktop.unlocked).",
        "With --json: {\"locked\":<false once unlocked>}.",
    })
    static final class Unlock extends LockState {
        Unlock() {
            super("unlock");
        }
    }

    @Command(name = "status", header = "What the running agent is doing.", description = {
        "What the running agent is doing: lock state, connections, pairings, waiting requests.",
        "With --json: {\"locked\":<boolean>,\"connections\":<n>,\"pairings\":<n>,\"pending\":<n>,\"socket\":\"<path>\"}.",
    })
    static final class Status extends AdminCall {
        @Override
        JsonNode run(AdminClient client) throws IOException {
            return client.call("status", null);
        }

        @Override
        void print(JsonNode r, PrintWriter out) {
            out.println("agent on " + Main.printable(r.path("socket").asText()) + ": "
                    + (r.path("locked").asBoolean() ? "locked" : "unlocked"));
            out.println("  connections: " + r.path("connections").asInt() + ", paired extensions: "
                    + r.path("pairings").asInt() + ", pairing requests waiting: " + r.path("pending").asInt());
            if (r.has("hostName")) {
                out.println("  product: " + Main.printable(r.path("hostName").asText()));
            }
            if (r.has("keyStorage")) {
                out.println("  key storage: " + Main.printable(r.path("keyStorage").asText()));
            }
            if (r.has("pairingStoreRejected")) {
                out.println("  pairing store rejected: " + Main.printable(r.path("pairingStoreRejected").asText()));
            }
        }
    }
}
