package dev.bridgekeeper.cli.doctor;

import dev.bridgekeeper.agent.internal.registration.BrowserSpec;
import dev.bridgekeeper.agent.internal.registration.ExtensionIds;
import dev.bridgekeeper.agent.internal.registration.Family;
import dev.bridgekeeper.agent.internal.registration.Finding;
import dev.bridgekeeper.agent.internal.registration.HostOs;
import dev.bridgekeeper.agent.internal.registration.ManifestVerifier;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Replays each browser's manifest lookup on this OS and checks everything native messaging
 * needs: the manifest, the launcher (started for real), the agent socket, the polkit action and
 * the enterprise policies. Every problem comes with a fix.
 *
 * <pre>{@code
 * DoctorReport report = new Doctor(DoctorEnvironment.fromSystem(null, null, null), DoctorOptions.defaults()).run();
 * System.out.print(report.toText());
 * }</pre>
 */
public final class Doctor {

    private final DoctorEnvironment env;
    private final DoctorOptions options;
    private final ManifestVerifier verifier;
    private final Map<String, LauncherProbe.Result> probes = new HashMap<>();
    private final Map<BrowserSpec.PolicyVendor, PolicyCheck.Policies> policies = new EnumMap<>(BrowserSpec.PolicyVendor.class);

    public Doctor(DoctorEnvironment env, DoctorOptions options) {
        this.env = env;
        this.options = options;
        this.verifier = new ManifestVerifier(env.os(), env.registry(), options.chromeIds(), options.firefoxIds(),
                options.hostName());
    }

    /** Runs every check. Never throws for what it finds; it reports it. */
    public DoctorReport run() {
        List<Finding> findings = new ArrayList<>();
        List<String> absent = new ArrayList<>();
        int checked = 0;
        for (BrowserSpec spec : BrowserCatalog.forEnvironment(env, options.hostName())) {
            if (!options.browsers().isEmpty() && !options.browsers().contains(spec.id())) {
                continue;
            }
            // Presence by profile or install folder only: a manifest in a shared folder (Opera and
            // Chrome, Waterfox and Firefox) says nothing about the other browser.
            if (!ManifestVerifier.present(spec) && !options.browsers().contains(spec.id())) {
                if (!absent.contains(spec.id())) {
                    absent.add(spec.id());
                    findings.add(ManifestVerifier.skipped(spec));
                }
                continue;
            }
            checked++;
            checkBrowser(spec, findings);
        }
        if (checked == 0) {
            findings.add(Finding.fail("browsers", "installed", "no supported browser found on this "
                    + env.os().label() + " account (none of their profile folders exists)",
                    "start your browser once so it creates its profile, then run the installer"
                            + (options.browsers().isEmpty() ? "" : "; or check the --browser names")));
        } else if (!absent.isEmpty()) {
            findings.add(Finding.info("browsers", "not-found", "not installed (skipped): " + String.join(", ", absent)));
        }
        List<String> callers = new ArrayList<>();
        options.chromeIds().forEach(id -> callers.add("chrome-extension://" + id + "/"));
        options.firefoxIds().forEach(id -> callers.add("moz-extension:" + id));
        findings.addAll(AgentChecks.socket(env, options.socket(), options.hostName(), callers));
        if (env.os() == HostOs.LINUX) {
            findings.addAll(AgentChecks.polkit(env));
        }
        if (env.os() == HostOs.MACOS) {
            findings.add(Finding.info("policies", "policy", "managed browser policies are not read on macOS; check"
                    + " /Library/Managed Preferences for NativeMessagingBlocklist if a browser says the host is forbidden"));
        }
        return new DoctorReport(env.os(), findings, options.hostName());
    }

    private void checkBrowser(BrowserSpec spec, List<Finding> out) {
        ManifestVerifier.Outcome outcome = verifier.check(spec);
        out.addAll(outcome.findings());
        if (outcome.launcher() != null && options.launch()) {
            out.add(launch(spec.id(), spec.family(), outcome.launcher(), outcome.manifest()));
        } else if (outcome.launcher() != null) {
            out.add(Finding.info(spec.id(), "launch", "not started (--no-launch)"));
        }
        if (spec.policy() != null && env.os() != HostOs.MACOS) {
            PolicyCheck.Policies p = policies.computeIfAbsent(spec.policy(), v -> PolicyCheck.read(env, v));
            out.addAll(PolicyCheck.check(spec.id(), p, outcome.used(), env.os() != HostOs.WINDOWS, options.hostName()));
        }
    }

    /** Starts the launcher with the argv this family's browsers pass; one start per launcher and family. */
    private Finding launch(String subject, Family family, Path launcher, Path manifest) {
        List<String> args = new ArrayList<>();
        if (family == Family.CHROMIUM) {
            args.add(ExtensionIds.origin(options.chromeIds().get(0)));
            if (env.os() == HostOs.WINDOWS) {
                args.add("--parent-window=0");
            }
        } else {
            args.add(manifest.toString());
            args.add(options.firefoxIds().get(0));
        }
        String key = family + "\u0000" + launcher;
        LauncherProbe.Result result = probes.computeIfAbsent(key, k -> LauncherProbe.probe(launcher, args, options.launchTimeout()));
        if (result.ok()) {
            return Finding.ok(subject, "launch", launcher.getFileName() + " " + result.message());
        }
        String byHand = env.os() == HostOs.WINDOWS
                ? "run it by hand in a console: \"" + launcher + "\" " + String.join(" ", args) + " < NUL"
                : "run it by hand: '" + launcher.toString().replace("'", "'\\''") + "' " + String.join(" ", args)
                        + " </dev/null | od -c | head";
        return Finding.fail(subject, "launch", "launcher " + launcher + ": " + result.message(),
                byHand + "; then re-run the installer (a missing or too old Java, or a moved jar, is the usual cause)");
    }
}
