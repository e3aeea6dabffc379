package dev.bridgekeeper.cli;

import dev.bridgekeeper.cli.doctor.DoctorCommand;
import dev.bridgekeeper.protocol.Version;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * {@code bridgekeeper}: the command line, parsed by picocli. {@link Main} has already taken
 * {@code host} as a first word; everything else arrives here.
 *
 * <p>Attributes of this command (help and version options, version text, exit codes, environment
 * footer) are inherited by every subcommand.
 */
@Command(name = "bridgekeeper",
        scope = ScopeType.INHERIT,
        mixinStandardHelpOptions = true,
        versionProvider = BridgekeeperCommand.VersionText.class,
        header = "Native messaging between browser extensions and desktop applications.",
        description = "Lets a browser extension talk to a desktop application over native messaging: the "
                + "host browsers start, a reference desktop agent, its administration and a doctor.",
        synopsisSubcommandLabel = "COMMAND",
        commandListHeading = "%nCommands:%n",
        subcommands = {
            BridgekeeperCommand.HostCommand.class,
            AgentCommand.class,
            AdminCommands.Pairings.class,
            AdminCommands.Lock.class,
            AdminCommands.Unlock.class,
            AdminCommands.Status.class,
            DemoCommand.class,
            EchoAgentCommand.class,
            DoctorCommand.class,
            InstallCommand.Install.class,
            InstallCommand.Uninstall.class,
            BridgekeeperCommand.VersionCommand.class,
            BridgekeeperCommand.CompletionCommand.class,
            CommandLine.HelpCommand.class,
        },
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {
            "0:success",
            "1:failure (no agent is running, the agent refused, a start-up error)",
            "2:invalid usage (unknown command or option, missing or bad value)",
        },
        footerHeading = "%nEnvironment:%n",
        footer = {
            "  BRIDGEKEEPER_SOCKET  The agent's socket. Default, per user:",
            "    $XDG_RUNTIME_DIR/bridgekeeper/agent.sock (Linux),",
            "    $TMPDIR/bridgekeeper/agent.sock (macOS),",
            "    %%LOCALAPPDATA%%\\Bridgekeeper\\agent.sock (Windows).",
        })
public final class BridgekeeperCommand implements Callable<Integer> {

    /** The simple logger's level property; read once, when the first logger is created. */
    static final String LOG_LEVEL_PROPERTY = "org.slf4j.simpleLogger.defaultLogLevel";

    @Spec
    CommandSpec spec;

    /**
     * {@code --verbose}, before or after the command name. picocli sets it while parsing, before
     * any command runs, so the level is in place before the first logger exists.
     */
    @Option(names = "--verbose", scope = ScopeType.INHERIT,
            description = "Log at debug level on stderr (never payloads, keys or pairing codes).")
    void verbose(boolean on) {
        if (on) {
            System.setProperty(LOG_LEVEL_PROPERTY, "debug");
        }
    }

    /** No command given: the usage, on stderr, as a usage error. */
    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return spec.exitCodeOnInvalidInput();
    }

    /** Parses and runs {@code args}, printing to these streams; returns the exit code. */
    public static int execute(PrintStream out, PrintStream err, String... args) {
        PrintWriter o = new PrintWriter(out, true);
        PrintWriter e = new PrintWriter(err, true);
        CommandLine cl = commandLine();
        cl.setOut(o);
        cl.setErr(e);
        try {
            return cl.execute(args);
        } finally {
            o.flush();
            e.flush();
        }
    }

    /** The whole command tree, configured as it runs (also what the man pages are generated from). */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new BridgekeeperCommand());
        // As before picocli: a repeated single-value option takes the last value.
        cl.setOverwrittenOptionsAllowed(true);
        cl.setParameterExceptionHandler(BridgekeeperCommand::usageError);
        cl.setExecutionExceptionHandler(BridgekeeperCommand::failure);
        return cl;
    }

    /** Bad usage: one line naming what was wrong, suggestions if picocli has any, where help is. */
    private static int usageError(ParameterException ex, String[] args) {
        CommandLine cl = ex.getCommandLine();
        PrintWriter err = cl.getErr();
        String name = cl.getCommandSpec().qualifiedName();
        err.println(name + ": " + printableLines(ex.getMessage()));
        UnmatchedArgumentException.printSuggestions(ex, err);
        err.println("Try '" + name + " --help' for more information.");
        err.flush();
        return cl.getCommandSpec().exitCodeOnInvalidInput();
    }

    /** An unexpected failure in a command: its message, and the stack trace only with --verbose. */
    private static int failure(Exception ex, CommandLine cl, ParseResult parsed) {
        PrintWriter err = cl.getErr();
        err.println(cl.getCommandSpec().qualifiedName() + ": " + printableLines(String.valueOf(ex.getMessage())));
        if ("debug".equals(System.getProperty(LOG_LEVEL_PROPERTY))) {
            ex.printStackTrace(err);
        }
        err.flush();
        return cl.getCommandSpec().exitCodeOnExecutionException();
    }

    private static String printableLines(String message) {
        StringBuilder b = new StringBuilder();
        for (String line : message.split("\n")) {
            b.append(b.length() == 0 ? "" : "\n").append(Main.printable(line.stripTrailing()));
        }
        return b.toString();
    }

    /** {@code -V}, {@code --version}. */
    static final class VersionText implements IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"bridgekeeper " + Version.VERSION};
        }
    }

    /**
     * {@code host}: listed here for help, completion and the man page; {@link Main} runs it before
     * picocli loads. It only arrives here behind a global option ({@code --verbose host ...}).
     */
    @Command(name = "host", header = "The native messaging host (what browsers start).",
            description = {
                "The native messaging host: what the browser starts through the manifest (see manifests/). "
                        + "Relays frames between the extension (stdin/stdout) and the agent's socket.",
                "Chromium-family browsers pass chrome-extension://<id>/ [--parent-window=N]; Firefox passes "
                        + "<manifest path> <add-on id>.",
                "Dispatched before anything else loads, so its start-up pays for none of the other commands.",
            },
            customSynopsis = {
                "bridgekeeper host chrome-extension://<id>/ [--parent-window=N]",
                "bridgekeeper host <manifest path> <add-on id>",
            })
    static final class HostCommand implements Callable<Integer> {
        @Unmatched
        List<String> browserArgs = new ArrayList<>();

        @Override
        public Integer call() {
            return dev.bridgekeeper.host.HostMain.run(browserArgs.toArray(String[]::new));
        }
    }

    /** {@code version [--json]}. */
    @Command(name = "version", header = "Print the version.", description = {
        "Prints the version.",
        "With --json: {\"name\":\"bridgekeeper\",\"version\":\"<product version>\",\"protocol\":<wire protocol version>}.",
    })
    static final class VersionCommand implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--json", description = "Print a JSON object instead of text.")
        boolean json;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            out.println(json
                    ? "{\"name\":\"bridgekeeper\",\"version\":\"" + Version.VERSION + "\",\"protocol\":" + Version.PROTOCOL + "}"
                    : "bridgekeeper " + Version.VERSION);
            return 0;
        }
    }

    /** {@code completion}: the bash completion script, generated from this command tree at run time. */
    @Command(name = "completion", header = "Print a bash completion script.", description = {
        "Prints a bash completion script for every command and option. Load it with",
        "  source <(bridgekeeper completion)",
        "or save it to ~/.local/share/bash-completion/completions/bridgekeeper. In zsh, run "
                + "'autoload -U +X bashcompinit && bashcompinit' first.",
    })
    static final class CompletionCommand implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            out.print(AutoComplete.bash(spec.root().name(), spec.root().commandLine()));
            out.flush();
            return 0;
        }
    }
}
