package dev.bridgekeeper.cli.doctor;

import dev.bridgekeeper.agent.internal.registration.ExtensionIds;
import dev.bridgekeeper.agent.internal.registration.HostOs;
import dev.bridgekeeper.agent.internal.registration.Text;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/** {@code bridgekeeper doctor}: the options around {@link Doctor}, turned into {@link DoctorOptions}. */
@Command(name = "doctor",
        header = "Check installed manifests, launchers, the agent socket and the polkit action.",
        description = {
            "Replays each installed browser's native messaging lookup and checks the manifest, the launcher "
                    + "(started for real), the agent socket, the polkit action (Linux) and browser policies.",
            "With --json: {\"ok\":<boolean>,\"os\":\"linux|macos|windows\",\"host\":\"<host name>\",\"problems\":<n>,"
                    + "\"warnings\":<n>,\"checks\":[{\"subject\",\"check\",\"status\":\"ok|info|warn|fail\",\"message\","
                    + "\"fix\" (when there is one)}]}.",
        },
        exitCodeList = {
            "0:no problem",
            "1:a problem was found (each comes with a fix)",
            "2:invalid usage",
        })
public final class DoctorCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--json", description = "Machine-readable output.")
    boolean json;

    @Option(names = "--chrome-id", paramLabel = "ID", converter = ChromeId.class,
            description = "Chromium extension id the manifests must allow; repeatable (default: "
                    + ExtensionIds.DEFAULT_CHROME_ID + ").")
    Set<String> chromeIds = new LinkedHashSet<>();

    @Option(names = "--firefox-id", paramLabel = "ID", converter = FirefoxId.class,
            description = "Firefox add-on id the manifests must allow; repeatable (default: "
                    + ExtensionIds.DEFAULT_FIREFOX_ID + ").")
    Set<String> firefoxIds = new LinkedHashSet<>();

    @Option(names = "--browser", paramLabel = "NAME",
            description = "Check only this browser, even if it looks absent; repeatable.")
    Set<String> browsers = new LinkedHashSet<>();

    @Option(names = "--no-launch", negatable = false, description = "Do not start the launchers.")
    boolean noLaunch;

    @Option(names = "--launch-timeout-ms", paramLabel = "N", defaultValue = "5000",
            description = "Wait this long for a launcher's frame and exit, 100 to 600000 (default: ${DEFAULT-VALUE}).")
    long launchTimeoutMs;

    @Option(names = "--socket", paramLabel = "PATH",
            description = "Agent socket to probe (default: $BRIDGEKEEPER_SOCKET, else the per-user path).")
    Path socket;

    @Option(names = "--host-name", paramLabel = "NAME",
            description = "The product to check (default: dev.bridgekeeper.host): its manifests, registry keys and agent socket.")
    String hostName;

    private String hostName() {
        try {
            return hostName == null ? dev.bridgekeeper.protocol.local.SocketPaths.DEFAULT_HOST_NAME
                    : dev.bridgekeeper.protocol.local.SocketPaths.requireHostName(hostName);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--host-name: " + e.getMessage());
        }
    }

    @Option(names = "--home", paramLabel = "DIR", description = "Home folder to check instead of $HOME.")
    Path home;

    @Option(names = "--root", paramLabel = "DIR",
            description = "Folder that system paths (/etc, /usr, /Library) are read under (default: /).")
    Path root;

    @Option(names = "--os", paramLabel = "OS", converter = OsName.class,
            description = "Replay another OS's lookup: linux, macos or windows (for tests).")
    HostOs os;

    @Option(names = "--list-browsers", negatable = false,
            description = "Print the browsers of the catalog for this OS, the manifest folders an install writes and "
                    + "whether each was found (the same list as install.sh --list-browsers), then exit.")
    boolean listBrowsers;

    @Option(names = "--scope", paramLabel = "SCOPE", defaultValue = "user",
            description = "With --list-browsers: user (default) or system.")
    String scope;

    @Override
    public Integer call() {
        if (listBrowsers) {
            if (!scope.equals("user") && !scope.equals("system")) {
                throw new ParameterException(spec.commandLine(), "--scope must be user or system");
            }
            DoctorEnvironment env = DoctorEnvironment.fromSystem(os, absolute(home), absolute(root));
            String osName = BrowserCatalog.catalogOs(env.os());
            PrintWriter out = spec.commandLine().getOut();
            out.print(dev.bridgekeeper.agent.internal.registration.BrowserCatalog.listing(osName, scope.equals("system"),
                    BrowserCatalog.locate(env, hostName())));
            out.flush();
            return 0;
        }
        if (launchTimeoutMs < 100 || launchTimeoutMs > 600_000) {
            throw new ParameterException(spec.commandLine(), "--launch-timeout-ms must be between 100 and 600000");
        }
        DoctorEnvironment env = DoctorEnvironment.fromSystem(os, absolute(home), absolute(root));
        Set<String> known = new LinkedHashSet<>();
        BrowserCatalog.forEnvironment(env).forEach(s -> known.add(s.id()));
        for (String b : browsers) {
            if (!known.contains(b)) {
                throw new ParameterException(spec.commandLine(), "unknown browser '" + Text.printable(b, 80) + "' for "
                        + env.os().label() + "; known: " + String.join(" ", known));
            }
        }
        DoctorOptions options = new DoctorOptions(
                chromeIds.isEmpty() ? List.of(ExtensionIds.DEFAULT_CHROME_ID) : List.copyOf(chromeIds),
                firefoxIds.isEmpty() ? List.of(ExtensionIds.DEFAULT_FIREFOX_ID) : List.copyOf(firefoxIds),
                browsers, !noLaunch, Duration.ofMillis(launchTimeoutMs), absolute(socket), hostName());
        DoctorReport report = new Doctor(env, options).run();
        PrintWriter out = spec.commandLine().getOut();
        out.print(json ? report.toJson() : report.toText());
        out.flush();
        return report.ok() ? 0 : 1;
    }

    private static Path absolute(Path p) {
        return p == null ? null : p.toAbsolutePath();
    }

    /** Accepts only a Chromium extension id. */
    static final class ChromeId implements ITypeConverter<String> {
        @Override
        public String convert(String id) {
            if (!ExtensionIds.isChromeId(id)) {
                throw new TypeConversionException("'" + Text.printable(id, 80) + "' is not a Chromium extension id (32 letters a-p)");
            }
            return id;
        }
    }

    static final class FirefoxId implements ITypeConverter<String> {
        @Override
        public String convert(String id) {
            if (!ExtensionIds.isFirefoxId(id)) {
                throw new TypeConversionException("'" + Text.printable(id, 80) + "' is not a Firefox add-on id (name@domain or {GUID})");
            }
            return id;
        }
    }

    static final class OsName implements ITypeConverter<HostOs> {
        @Override
        public HostOs convert(String text) {
            try {
                return HostOs.parse(text);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }
}
