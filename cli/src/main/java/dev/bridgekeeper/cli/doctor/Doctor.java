package dev.bridgekeeper.cli.doctor;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

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
    private final ManifestInspector inspector;
    private final Map<String, LauncherProbe.Result> probes = new HashMap<>();
    private final Map<BrowserSpec.PolicyVendor, PolicyCheck.Policies> policies = new EnumMap<>(BrowserSpec.PolicyVendor.class);

    public Doctor(DoctorEnvironment env, DoctorOptions options) {
        this.env = env;
        this.options = options;
        this.inspector = new ManifestInspector(env.os(), options.chromeIds(), options.firefoxIds(), options.hostName());
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
            boolean present = spec.markers().stream().anyMatch(Files::isDirectory);
            if (!present && !options.browsers().contains(spec.id())) {
                if (!absent.contains(spec.id())) {
                    absent.add(spec.id());
                    List<String> looked = new ArrayList<>();
                    spec.markers().forEach(m -> looked.add(m.toString()));
                    findings.add(Finding.info(spec.id(), "skipped", spec.name() + " is not installed here: none of "
                            + String.join(", ", looked) + " exists"));
                }
                continue;
            }
            checked++;
            checkBrowser(spec, lookup(spec), findings);
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

    /** A manifest found at one place in a browser's lookup order. */
    private record Hit(ManifestLocation location, Path manifest, String problem) {}

    /** Every place in the read order that has a manifest (or a registry key), in order. */
    private List<Hit> lookup(BrowserSpec spec) {
        List<Hit> hits = new ArrayList<>();
        for (ManifestLocation location : spec.lookup()) {
            if (location instanceof ManifestLocation.Folder) {
                Path file = ((ManifestLocation.Folder) location).dir().resolve(options.hostName() + ".json");
                if (Files.exists(file)) {
                    hits.add(new Hit(location, file, Files.isRegularFile(file) ? null : file + " is not a regular file"));
                }
            } else {
                RegistryKey key = ((ManifestLocation.Registry) location).key();
                Optional<Map<String, Object>> values = env.registry().values(key.hive(), key.view(), key.path());
                if (values.isPresent()) {
                    hits.add(registryHit(location, values.get().get("")));
                }
            }
        }
        return hits;
    }

    private static Hit registryHit(ManifestLocation location, Object defaultValue) {
        if (!(defaultValue instanceof String) || ((String) defaultValue).isEmpty()) {
            return new Hit(location, null, "the key " + location.display() + " has no default value (the manifest's path)");
        }
        String text = (String) defaultValue;
        Path manifest;
        try {
            manifest = Path.of(text);
        } catch (InvalidPathException e) {
            return new Hit(location, null, "the key's default value \"" + Text.printable(text, 200) + "\" is not a path");
        }
        if (!manifest.isAbsolute()) {
            return new Hit(location, null, "the key's default value \"" + Text.printable(text, 200) + "\" is not an absolute path");
        }
        if (!Files.isRegularFile(manifest)) {
            return new Hit(location, null, "the key points at " + manifest + ", which does not exist");
        }
        return new Hit(location, manifest, null);
    }

    private void checkBrowser(BrowserSpec spec, List<Hit> hits, List<Finding> out) {
        String subject = spec.id();
        String installerFix = "run " + Text.installCommand(options.hostName(), "");
        ManifestLocation used = null;
        if (hits.isEmpty()) {
            List<String> places = new ArrayList<>();
            for (ManifestLocation l : spec.lookup()) {
                places.add(l.display());
            }
            out.add(Finding.fail(subject, "manifest", spec.name() + " finds no " + options.hostName()
                    + " manifest; it looks in: " + String.join("; ", places),
                    installerFix + (env.os() == HostOs.WINDOWS ? "" : " (writes " + spec.lookup().get(0).display() + ")")));
        } else {
            Hit first = hits.get(0);
            used = first.location();
            for (Hit shadowed : hits.subList(1, hits.size())) {
                out.add(Finding.info(subject, "shadowed", "another manifest at " + describe(shadowed)
                        + " is not used: " + first.location().display() + " comes first"));
            }
            if (first.problem() != null) {
                out.add(Finding.fail(subject, "manifest", first.problem(), installerFix));
            } else {
                out.add(Finding.ok(subject, "manifest", "found " + first.manifest()
                        + (first.location() instanceof ManifestLocation.Registry ? " via " + first.location().display() : "")));
                ManifestInspector.Result result = inspector.inspect(subject, spec.family(), first.manifest());
                out.addAll(result.findings());
                if (result.launcher() != null && options.launch()) {
                    out.add(launch(subject, spec.family(), result.launcher(), first.manifest()));
                } else if (result.launcher() != null) {
                    out.add(Finding.info(subject, "launch", "not started (--no-launch)"));
                }
            }
        }
        if (spec.policy() != null && env.os() != HostOs.MACOS) {
            PolicyCheck.Policies p = policies.computeIfAbsent(spec.policy(), v -> PolicyCheck.read(env, v));
            out.addAll(PolicyCheck.check(subject, p, used, env.os() != HostOs.WINDOWS, options.hostName()));
        }
    }

    private static String describe(Hit hit) {
        return hit.manifest() != null ? hit.manifest().toString() : hit.location().display();
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
