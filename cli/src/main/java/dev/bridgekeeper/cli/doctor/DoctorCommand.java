package dev.bridgekeeper.cli.doctor;

import java.io.PrintStream;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** {@code bridgekeeper doctor}: option parsing and output around {@link Doctor}. */
public final class DoctorCommand {
    private DoctorCommand() {}

    static final String USAGE = String.join("\n",
            "usage: bridgekeeper doctor [options]",
            "",
            "Replays each installed browser's native messaging lookup and checks the manifest, the",
            "launcher (started for real), the agent socket, the polkit action (Linux) and browser",
            "policies. Exit code 0: no problem; 1: a problem was found (each comes with a fix); 2: bad options.",
            "",
            "options:",
            "  --json                 machine-readable output",
            "  --chrome-id ID         Chromium extension id the manifests must allow (repeatable;",
            "                         default " + ExtensionIds.DEFAULT_CHROME_ID + ")",
            "  --firefox-id ID        Firefox add-on id the manifests must allow (repeatable;",
            "                         default " + ExtensionIds.DEFAULT_FIREFOX_ID + ")",
            "  --browser NAME         check only this browser, even if it looks absent (repeatable)",
            "  --no-launch            do not start the launchers",
            "  --launch-timeout-ms N  wait this long for a launcher's frame and exit (default 5000)",
            "  --host-name NAME       the product to check (default dev.bridgekeeper.host): its manifests,",
            "                         registry keys and agent socket",
            "  --socket PATH          agent socket to probe (default $BRIDGEKEEPER_SOCKET or the product's per-user path)",
            "  --home DIR             home folder to check instead of $HOME",
            "  --root DIR             folder that system paths (/etc, /usr, /Library) are read under (default /)",
            "  --os linux|macos|windows  replay another OS's lookup (for tests)");

    /** Runs the command with the real environment and streams; returns the exit code. */
    public static int run(String[] args) {
        return run(args, System.out, System.err);
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        boolean json = false;
        boolean launch = true;
        long timeoutMs = 5000;
        List<String> chromeIds = new ArrayList<>();
        List<String> firefoxIds = new ArrayList<>();
        Set<String> browsers = new LinkedHashSet<>();
        Path socket = null;
        String hostName = dev.bridgekeeper.protocol.local.SocketPaths.DEFAULT_HOST_NAME;
        Path home = null;
        Path root = null;
        HostOs os = null;
        try {
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                switch (a) {
                    case "--json": json = true; break;
                    case "--no-launch": launch = false; break;
                    case "--chrome-id": {
                        String id = value(args, ++i, a);
                        if (!ExtensionIds.isChromeId(id)) {
                            throw new IllegalArgumentException("--chrome-id '" + Text.printable(id, 80)
                                    + "' is not a Chromium extension id (32 letters a-p)");
                        }
                        if (!chromeIds.contains(id)) {
                            chromeIds.add(id);
                        }
                        break;
                    }
                    case "--firefox-id": {
                        String id = value(args, ++i, a);
                        if (!ExtensionIds.isFirefoxId(id)) {
                            throw new IllegalArgumentException("--firefox-id '" + Text.printable(id, 80)
                                    + "' is not a Firefox add-on id (name@domain or {GUID})");
                        }
                        if (!firefoxIds.contains(id)) {
                            firefoxIds.add(id);
                        }
                        break;
                    }
                    case "--browser": browsers.add(value(args, ++i, a)); break;
                    case "--launch-timeout-ms":
                        timeoutMs = parseTimeout(value(args, ++i, a));
                        break;
                    case "--socket": socket = path(value(args, ++i, a), a); break;
                    case "--host-name":
                        hostName = dev.bridgekeeper.protocol.local.SocketPaths.requireHostName(value(args, ++i, a));
                        break;
                    case "--home": home = path(value(args, ++i, a), a); break;
                    case "--root": root = path(value(args, ++i, a), a); break;
                    case "--os": os = HostOs.parse(value(args, ++i, a)); break;
                    case "-h":
                    case "--help":
                        out.println(USAGE);
                        return 0;
                    default:
                        throw new IllegalArgumentException("unknown option '" + Text.printable(a, 80) + "'");
                }
            }
        } catch (IllegalArgumentException e) {
            err.println("bridgekeeper doctor: " + e.getMessage());
            err.println(USAGE);
            return 2;
        }
        if (chromeIds.isEmpty()) {
            chromeIds.add(ExtensionIds.DEFAULT_CHROME_ID);
        }
        if (firefoxIds.isEmpty()) {
            firefoxIds.add(ExtensionIds.DEFAULT_FIREFOX_ID);
        }
        DoctorEnvironment env = DoctorEnvironment.fromSystem(os, home, root);
        Set<String> known = new LinkedHashSet<>();
        BrowserCatalog.forEnvironment(env).forEach(s -> known.add(s.id()));
        for (String b : browsers) {
            if (!known.contains(b)) {
                err.println("bridgekeeper doctor: unknown browser '" + Text.printable(b, 80) + "' for "
                        + env.os().label() + "; known: " + String.join(" ", known));
                return 2;
            }
        }
        DoctorOptions options = new DoctorOptions(chromeIds, firefoxIds, browsers, launch, Duration.ofMillis(timeoutMs), socket,
                hostName);
        DoctorReport report = new Doctor(env, options).run();
        out.print(json ? report.toJson() : report.toText());
        out.flush();
        return report.ok() ? 0 : 1;
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[i];
    }

    private static Path path(String text, String option) {
        try {
            return Path.of(text).toAbsolutePath();
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException(option + " '" + Text.printable(text, 80) + "' is not a valid path");
        }
    }

    private static long parseTimeout(String text) {
        try {
            long ms = Long.parseLong(text);
            if (ms < 100 || ms > 600_000) {
                throw new IllegalArgumentException("--launch-timeout-ms must be between 100 and 600000");
            }
            return ms;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--launch-timeout-ms '" + Text.printable(text, 40) + "' is not a number");
        }
    }
}
