package dev.bridgekeeper.cli;

import dev.bridgekeeper.protocol.UntrustedText;
import java.io.PrintStream;
import java.util.Arrays;

/**
 * Entry point of {@code bridgekeeper.jar}: dispatches to one subcommand.
 *
 * <p>Kept deliberately small: the browser starts {@code host} on every connection, so this class
 * must not touch anything (logging, JSON, crypto) that the host does not need. Each command lives
 * in its own class and is only loaded when chosen.
 */
public final class Main {
    private Main() {}

    static final String USAGE = String.join("\n",
            "usage: bridgekeeper <command> [options]",
            "",
            "commands:",
            "  host <browser args>   the native messaging host (browsers start this; see manifests/)",
            "  agent [options]       run the reference desktop agent in the foreground",
            "  pairings list|approve CODE|reject CODE|revoke ID",
            "                        manage pairings of a running agent",
            "  lock | unlock         lock or unlock the running agent's key vault",
            "  status                what the running agent is doing (connections, pairings, lock)",
            "  demo                  pair and unlock through a real host process, printing a transcript",
            "  echo-agent [--socket P]",
            "                        a tiny agent that echoes frames (for trying the host by hand)",
            "  doctor [--json]       check installed manifests, launcher, agent socket and polkit action",
            "  install [options]     (re)install the host for your browsers: runs the installer kept beside",
            "                        this jar (install.sh/install.ps1 options, e.g. --host-name, --polkit)",
            "  uninstall [options]   remove what the install created (--purge: also identity and pairings)",
            "  version               print the version",
            "",
            "Run 'bridgekeeper <command> --help' for a command's options.");

    public static void main(String[] args) {
        int code = run(args);
        if (code != 0) {
            System.exit(code);
        }
    }

    /** Runs a command and returns its exit code; never calls System.exit itself (tests call this). */
    static int run(String[] args) {
        if (args.length == 0) {
            System.err.println(USAGE);
            return 2;
        }
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        switch (args[0]) {
            case "host":
                return dev.bridgekeeper.host.HostMain.run(rest);
            case "agent":
                return AgentCommand.run(rest);
            case "pairings":
                return AdminCommands.pairings(rest);
            case "lock":
                return AdminCommands.lock(rest, true);
            case "unlock":
                return AdminCommands.lock(rest, false);
            case "status":
                return AdminCommands.status(rest);
            case "demo":
                return DemoCommand.run(rest);
            case "echo-agent":
                return EchoAgentCommand.run(rest);
            case "version":
            case "--version":
                System.out.println("bridgekeeper " + dev.bridgekeeper.protocol.Version.VERSION);
                return 0;
            case "doctor": return dev.bridgekeeper.cli.doctor.DoctorCommand.run(rest);
            case "install":
                return InstallCommand.run(rest, false);
            case "uninstall":
                return InstallCommand.run(rest, true);
            case "help":
            case "--help":
            case "-h":
                System.out.println(USAGE);
                return 0;
            default:
                PrintStream err = System.err;
                err.println("bridgekeeper: unknown command '" + printable(args[0]) + "'");
                err.println(USAGE);
                return 2;
        }
    }

    /** Echoes untrusted text to a terminal without control characters (the protocol's one sanitiser). */
    static String printable(String s) {
        return UntrustedText.printable(s, 200);
    }
}
