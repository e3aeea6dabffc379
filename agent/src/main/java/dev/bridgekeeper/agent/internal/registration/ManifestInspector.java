package dev.bridgekeeper.agent.internal.registration;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Checks one manifest file the way a browser reads it: JSON, name, type, path, allow-list.
 */
public final class ManifestInspector {

    /** Larger than any real manifest; a bigger file is not read. */
    public static final int MAX_MANIFEST_BYTES = 1 << 20;

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    /**
     * What the inspection found.
     *
     * @param findings one per check
     * @param launcher the launcher to start, or null when the manifest cannot be used
     * @param fatal    whether a browser would refuse this manifest
     */
    public record Result(List<Finding> findings, Path launcher, boolean fatal) {}

    private final HostOs os;
    private final List<String> chromeIds;
    private final List<String> firefoxIds;
    private final String fixHint;

    private final String hostName;

    public ManifestInspector(HostOs os, List<String> chromeIds, List<String> firefoxIds, String hostName) {
        this.os = os;
        this.hostName = hostName;
        this.chromeIds = List.copyOf(chromeIds);
        this.firefoxIds = List.copyOf(firefoxIds);
        this.fixHint = "re-run " + Text.installCommand(hostName, "");
    }

    public Result inspect(String subject, Family family, Path manifest) {
        List<Finding> out = new ArrayList<>();
        byte[] bytes;
        try {
            bytes = readLimited(manifest);
        } catch (IOException e) {
            out.add(Finding.fail(subject, "json", "cannot read " + manifest + ": " + Text.printable(String.valueOf(e.getMessage()), 200),
                    "make the file readable by your user, or " + fixHint));
            return new Result(out, null, true);
        }
        if (bytes == null) {
            out.add(Finding.fail(subject, "json", manifest + " is larger than " + MAX_MANIFEST_BYTES + " bytes; not a manifest",
                    fixHint + " to write a fresh one"));
            return new Result(out, null, true);
        }
        if (bytes.length >= 3 && (bytes[0] & 0xff) == 0xEF && (bytes[1] & 0xff) == 0xBB && (bytes[2] & 0xff) == 0xBF) {
            out.add(Finding.warn(subject, "json", manifest + " starts with a UTF-8 byte order mark, which some browsers reject",
                    "save it as UTF-8 without BOM (" + fixHint + ")"));
        }
        JsonNode root;
        try {
            root = JSON.readTree(bytes);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
            out.add(Finding.fail(subject, "json", manifest + " is not valid JSON" + where + ": "
                    + Text.printable(e.getOriginalMessage(), 200), fixHint + " to write a valid manifest"));
            return new Result(out, null, true);
        } catch (IOException e) {
            out.add(Finding.fail(subject, "json", "cannot parse " + manifest + ": " + Text.printable(String.valueOf(e.getMessage()), 200),
                    fixHint));
            return new Result(out, null, true);
        }
        if (root == null || !root.isObject()) {
            out.add(Finding.fail(subject, "json", manifest + " is not a JSON object", fixHint));
            return new Result(out, null, true);
        }
        out.add(Finding.ok(subject, "json", "valid JSON"));
        boolean fatal = false;

        JsonNode name = root.get("name");
        if (name != null && name.isTextual() && name.asText().equals(hostName)) {
            out.add(Finding.ok(subject, "name", "name is " + hostName));
        } else {
            fatal = true;
            out.add(Finding.fail(subject, "name", "name is " + describe(name) + ", expected \"" + hostName
                    + "\" (browsers require the file name and the name inside to match)", fixHint));
        }

        JsonNode description = root.get("description");
        if (description == null || !description.isTextual() || description.asText().isBlank()) {
            out.add(Finding.warn(subject, "description", "no description (Chrome and Firefox document it as required)", fixHint));
        }

        JsonNode type = root.get("type");
        if (type != null && type.isTextual() && type.asText().equals("stdio")) {
            out.add(Finding.ok(subject, "type", "type is stdio"));
        } else {
            fatal = true;
            out.add(Finding.fail(subject, "type", "type is " + describe(type) + ", must be \"stdio\"", fixHint));
        }

        Path launcher = checkPath(subject, manifest, root.get("path"), out);
        if (launcher == null) {
            fatal = true;
        }
        if (!checkAllowList(subject, family, root, out)) {
            fatal = true;
        }
        return new Result(out, fatal ? null : launcher, fatal);
    }

    /** Returns the launcher when it is usable, else null (with a FAIL finding added). */
    private Path checkPath(String subject, Path manifest, JsonNode pathNode, List<Finding> out) {
        if (pathNode == null || !pathNode.isTextual() || pathNode.asText().isEmpty()) {
            out.add(Finding.fail(subject, "path", "path is " + describe(pathNode) + ", must name the launcher", fixHint));
            return null;
        }
        String text = pathNode.asText();
        Path launcher;
        try {
            launcher = Path.of(text);
        } catch (InvalidPathException e) {
            out.add(Finding.fail(subject, "path", "path \"" + Text.printable(text, 200) + "\" is not a valid path", fixHint));
            return null;
        }
        if (!launcher.isAbsolute()) {
            if (os == HostOs.WINDOWS && manifest.getParent() != null) {
                // Windows allows a path relative to the manifest's folder.
                launcher = manifest.getParent().resolve(launcher);
            } else {
                out.add(Finding.fail(subject, "path", "path \"" + Text.printable(text, 200) + "\" is relative; it must be absolute on "
                        + os.label(), fixHint));
                return null;
            }
        }
        if (!Files.exists(launcher)) {
            out.add(Finding.fail(subject, "path", "launcher " + launcher + " does not exist", fixHint
                    + " (the install folder may have been moved or deleted)"));
            return null;
        }
        if (!Files.isRegularFile(launcher)) {
            out.add(Finding.fail(subject, "path", "launcher " + launcher + " is not a regular file", fixHint));
            return null;
        }
        if (os == HostOs.WINDOWS) {
            String lower = launcher.getFileName().toString().toLowerCase(Locale.ROOT);
            if (lower.endsWith(".cmd") || lower.endsWith(".bat")) {
                out.add(Finding.warn(subject, "path", "launcher " + launcher + " is a batch file: it runs through cmd.exe, which"
                        + " mangles non-ASCII paths and leaves cmd.exe processes behind",
                        "install the .exe launcher (see docs/installer-manual-test.md)"));
            } else if (!lower.endsWith(".exe")) {
                out.add(Finding.fail(subject, "path", "launcher " + launcher + " is neither .exe nor .cmd/.bat; Windows cannot start it",
                        fixHint));
                return null;
            }
        } else if (!Files.isExecutable(launcher)) {
            out.add(Finding.fail(subject, "path", "launcher " + launcher + " is not executable",
                    "chmod 755 '" + launcher + "', or " + fixHint));
            return null;
        }
        out.add(Finding.ok(subject, "path", "launcher " + launcher + " exists and is executable"));
        return launcher;
    }

    private boolean checkAllowList(String subject, Family family, JsonNode root, List<Finding> out) {
        String field = family.allowListField();
        JsonNode list = root.get(field);
        if (list == null || !list.isArray() || list.isEmpty()) {
            out.add(Finding.fail(subject, "allowed", field + " is " + describe(list) + ", must be a non-empty list"
                    + (family == Family.FIREFOX && root.has("allowed_origins")
                        ? " (this looks like a Chromium manifest in a Firefox folder)" : ""),
                    fixHint));
            return false;
        }
        List<String> entries = new ArrayList<>();
        boolean ok = true;
        for (JsonNode entry : list) {
            if (!entry.isTextual()) {
                out.add(Finding.fail(subject, "allowed", field + " has a non-string entry " + describe(entry), fixHint));
                ok = false;
                continue;
            }
            String value = entry.asText();
            entries.add(value);
            boolean wellFormed = family == Family.CHROMIUM ? ExtensionIds.isChromeOrigin(value) : ExtensionIds.isFirefoxId(value);
            if (!wellFormed) {
                ok = false;
                out.add(Finding.fail(subject, "allowed", field + " entry \"" + Text.printable(value, 120) + "\" is malformed"
                        + (family == Family.CHROMIUM ? " (expected chrome-extension://<32 letters a-p>/, with the slash, no wildcard)"
                                : " (expected an add-on id like name@domain or {GUID})"), fixHint));
            }
        }
        List<String> expected = new ArrayList<>();
        if (family == Family.CHROMIUM) {
            for (String id : chromeIds) {
                expected.add(ExtensionIds.origin(id));
            }
        } else {
            expected.addAll(firefoxIds);
        }
        for (String want : expected) {
            if (!entries.contains(want)) {
                ok = false;
                String option = family == Family.CHROMIUM ? "--chrome-id " + want.substring(19, 51) : "--firefox-id " + want;
                out.add(Finding.fail(subject, "allowed", field + " does not allow " + want
                        + " (has: " + Text.printable(String.join(", ", entries), 300) + ")",
                        fixHint + " with " + option));
            }
        }
        if (family == Family.FIREFOX && root.has("allowed_origins")) {
            out.add(Finding.warn(subject, "allowed", "a Firefox manifest with allowed_origins: older Firefox rejects it",
                    "use the Firefox template (" + fixHint + ")"));
        }
        if (ok) {
            out.add(Finding.ok(subject, "allowed", field + " allows " + String.join(", ", expected)));
        }
        return ok;
    }

    /** Reads at most MAX_MANIFEST_BYTES; null when the file is larger. */
    private static byte[] readLimited(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] bytes = in.readNBytes(MAX_MANIFEST_BYTES + 1);
            return bytes.length > MAX_MANIFEST_BYTES ? null : bytes;
        }
    }

    private static String describe(JsonNode node) {
        if (node == null || node.isMissingNode()) {
            return "missing";
        }
        return Text.printable(node.toString(), 120);
    }
}
