package dev.bridgekeeper.agent.internal.registration;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Replays one browser's manifest lookup (folders, or registry keys on Windows) and checks the
 * manifest it would use: the checks {@code bridgekeeper doctor} prints and
 * {@code NativeHostRegistration.verify()} returns. Starting the launcher and reading policies
 * stay with the doctor.
 */
public final class ManifestVerifier {

    /** A manifest found at one place in a browser's lookup order, or why that place is unusable. */
    record Hit(ManifestLocation location, Path manifest, String problem) {}

    /**
     * What checking one browser found.
     *
     * @param findings the findings, in order
     * @param used     the place the browser would read, or null when none has a manifest
     * @param manifest the manifest the browser would use, or null
     * @param launcher the launcher to start, or null when the manifest cannot be used
     */
    public record Outcome(List<Finding> findings, ManifestLocation used, Path manifest, Path launcher) {}

    private final HostOs os;
    private final RegistryReader registry;
    private final String hostName;
    private final ManifestInspector inspector;

    public ManifestVerifier(HostOs os, RegistryReader registry, List<String> chromeIds, List<String> firefoxIds,
                            String hostName) {
        this.os = os;
        this.registry = registry;
        this.hostName = hostName;
        this.inspector = new ManifestInspector(os, chromeIds, firefoxIds, hostName);
    }

    /** Why a browser is not checked: none of its signs exists. */
    public static Finding skipped(BrowserSpec spec) {
        List<String> looked = new ArrayList<>();
        spec.markers().forEach(m -> looked.add(m.toString()));
        return Finding.info(spec.id(), "skipped", spec.name() + " is not installed here: none of "
                + String.join(", ", looked) + " exists");
    }

    /** Whether one of the browser's signs (profile or install folder) exists. */
    public static boolean present(BrowserSpec spec) {
        return spec.markers().stream().anyMatch(Files::isDirectory);
    }

    /** Finds the manifest the browser would use and inspects it. */
    public Outcome check(BrowserSpec spec) {
        List<Finding> out = new ArrayList<>();
        String subject = spec.id();
        String installerFix = "run " + Text.installCommand(hostName, "");
        List<Hit> hits = lookup(spec);
        if (hits.isEmpty()) {
            List<String> places = new ArrayList<>();
            for (ManifestLocation l : spec.lookup()) {
                places.add(l.display());
            }
            out.add(Finding.fail(subject, "manifest", spec.name() + " finds no " + hostName
                    + " manifest; it looks in: " + String.join("; ", places),
                    installerFix + (os == HostOs.WINDOWS ? "" : " (writes " + spec.lookup().get(0).display() + ")")));
            return new Outcome(out, null, null, null);
        }
        Hit first = hits.get(0);
        for (Hit shadowed : hits.subList(1, hits.size())) {
            out.add(Finding.info(subject, "shadowed", "another manifest at "
                    + (shadowed.manifest() != null ? shadowed.manifest().toString() : shadowed.location().display())
                    + " is not used: " + first.location().display() + " comes first"));
        }
        if (first.problem() != null) {
            out.add(Finding.fail(subject, "manifest", first.problem(), installerFix));
            return new Outcome(out, first.location(), null, null);
        }
        out.add(Finding.ok(subject, "manifest", "found " + first.manifest()
                + (first.location() instanceof ManifestLocation.Registry ? " via " + first.location().display() : "")));
        ManifestInspector.Result result = inspector.inspect(subject, spec.family(), first.manifest());
        out.addAll(result.findings());
        return new Outcome(out, first.location(), first.manifest(), result.launcher());
    }

    /** Every place in the read order that has a manifest (or a registry key), in order. */
    List<Hit> lookup(BrowserSpec spec) {
        List<Hit> hits = new ArrayList<>();
        for (ManifestLocation location : spec.lookup()) {
            if (location instanceof ManifestLocation.Folder folder) {
                Path file = folder.dir().resolve(hostName + ".json");
                if (Files.exists(file)) {
                    hits.add(new Hit(location, file, Files.isRegularFile(file) ? null : file + " is not a regular file"));
                }
            } else {
                RegistryKey key = ((ManifestLocation.Registry) location).key();
                Optional<Map<String, Object>> values = registry.values(key.hive(), key.view(), key.path());
                values.ifPresent(v -> hits.add(registryHit(location, v.get(""))));
            }
        }
        return hits;
    }

    private static Hit registryHit(ManifestLocation location, Object defaultValue) {
        if (!(defaultValue instanceof String text) || text.isEmpty()) {
            return new Hit(location, null, "the key " + location.display() + " has no default value (the manifest's path)");
        }
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
}
