package dev.bridgekeeper.cli.doctor;

import dev.bridgekeeper.agent.internal.registration.BrowserSpec;
import dev.bridgekeeper.agent.internal.registration.Finding;
import dev.bridgekeeper.agent.internal.registration.HostOs;
import dev.bridgekeeper.agent.internal.registration.ManifestInspector;
import dev.bridgekeeper.agent.internal.registration.ManifestLocation;
import dev.bridgekeeper.agent.internal.registration.RegistryReader;
import dev.bridgekeeper.agent.internal.registration.Text;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Chromium-family enterprise policies that stop native messaging: NativeMessagingBlocklist
 * ({@code *} blocks every host), NativeMessagingAllowlist (exceptions), and
 * NativeMessagingUserLevelHosts (false: per-user manifests are ignored). The pre-2021 names
 * (Blacklist/Whitelist) are still honoured by browsers, so they are read too.
 */
final class PolicyCheck {
    private PolicyCheck() {}

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The merged policy values of one vendor and where they came from. */
    record Policies(List<String> blocklist, List<String> allowlist, Boolean userLevelHosts, List<String> sources,
                    List<String> unreadable) {

        boolean blocksHost(String hostName) {
            boolean blocked = blocklist.contains("*") || blocklist.contains(hostName);
            return blocked && !allowlist.contains(hostName);
        }
    }

    static Policies read(DoctorEnvironment env, BrowserSpec.PolicyVendor vendor) {
        List<String> block = new ArrayList<>();
        List<String> allow = new ArrayList<>();
        List<String> sources = new ArrayList<>();
        List<String> unreadable = new ArrayList<>();
        Boolean[] userLevel = {null};
        if (env.os() == HostOs.LINUX) {
            Path dir = env.system(vendor.linuxFolder());
            if (Files.isDirectory(dir)) {
                try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.json")) {
                    for (Path f : files) {
                        readJsonPolicy(f, block, allow, userLevel, sources, unreadable);
                    }
                } catch (IOException e) {
                    unreadable.add(dir.toString());
                }
            }
        } else if (env.os() == HostOs.WINDOWS) {
            for (RegistryReader.Hive hive : RegistryReader.Hive.values()) {
                readRegistryPolicy(env.registry(), hive, vendor.windowsKey(), block, allow, userLevel, sources);
            }
        }
        return new Policies(block, allow, userLevel[0], sources, unreadable);
    }

    /** Findings for one browser whose manifest was found at {@code used} (null when not found). */
    static List<Finding> check(String subject, Policies p, ManifestLocation used, boolean systemInstallPossible,
                               String hostName) {
        List<Finding> out = new ArrayList<>();
        for (String f : p.unreadable()) {
            out.add(Finding.warn(subject, "policy", "cannot read policy file " + f, "make it readable, or check it by hand"));
        }
        String where = String.join(", ", p.sources());
        if (p.blocksHost(hostName)) {
            out.add(Finding.fail(subject, "policy", "NativeMessagingBlocklist in " + where + " blocks " + hostName,
                    "ask your administrator to add " + hostName + " to NativeMessagingAllowlist"));
        }
        if (Boolean.FALSE.equals(p.userLevelHosts()) && used != null && used.userLevel()) {
            out.add(Finding.fail(subject, "policy", "NativeMessagingUserLevelHosts is false in " + where
                    + ": the browser ignores per-user manifests such as " + used.display(),
                    systemInstallPossible ? "install system-wide: sudo " + Text.installCommand(hostName, "--scope system")
                            : "install system-wide: installer\\install.ps1 -Scope System (as administrator)"));
        }
        if (out.isEmpty() && !p.sources().isEmpty()) {
            out.add(Finding.ok(subject, "policy", "policies in " + where + " allow " + hostName));
        }
        return out;
    }

    private static void readJsonPolicy(Path f, List<String> block, List<String> allow, Boolean[] userLevel,
                                       List<String> sources, List<String> unreadable) {
        JsonNode root;
        try {
            if (Files.size(f) > ManifestInspector.MAX_MANIFEST_BYTES) {
                unreadable.add(f.toString());
                return;
            }
            root = JSON.readTree(f.toFile());
        } catch (IOException e) {
            unreadable.add(f.toString());
            return;
        }
        if (root == null || !root.isObject()) {
            unreadable.add(f.toString());
            return;
        }
        boolean relevant = false;
        for (String key : List.of("NativeMessagingBlocklist", "NativeMessagingBlacklist")) {
            relevant |= addStrings(root.get(key), block);
        }
        for (String key : List.of("NativeMessagingAllowlist", "NativeMessagingWhitelist")) {
            relevant |= addStrings(root.get(key), allow);
        }
        JsonNode user = root.get("NativeMessagingUserLevelHosts");
        if (user != null && user.isBoolean()) {
            userLevel[0] = user.asBoolean();
            relevant = true;
        }
        if (relevant) {
            sources.add(f.toString());
        }
    }

    private static boolean addStrings(JsonNode list, List<String> into) {
        if (list == null || !list.isArray()) {
            return false;
        }
        for (JsonNode n : list) {
            if (n.isTextual()) {
                into.add(n.asText());
            }
        }
        return true;
    }

    /** Windows list policies are subkeys whose values are "1", "2", ...; booleans are DWORDs. */
    private static void readRegistryPolicy(RegistryReader registry, RegistryReader.Hive hive, String key, List<String> block,
                                           List<String> allow, Boolean[] userLevel, List<String> sources) {
        RegistryReader.View view = RegistryReader.View.BITS_64;
        boolean relevant = false;
        for (String name : List.of("NativeMessagingBlocklist", "NativeMessagingBlacklist")) {
            relevant |= addValues(registry.values(hive, view, key + "\\" + name), block);
        }
        for (String name : List.of("NativeMessagingAllowlist", "NativeMessagingWhitelist")) {
            relevant |= addValues(registry.values(hive, view, key + "\\" + name), allow);
        }
        Optional<Map<String, Object>> values = registry.values(hive, view, key);
        if (values.isPresent() && values.get().get("NativeMessagingUserLevelHosts") instanceof Integer) {
            userLevel[0] = ((Integer) values.get().get("NativeMessagingUserLevelHosts")) != 0;
            relevant = true;
        }
        if (relevant) {
            sources.add(hive + "\\" + key);
        }
    }

    private static boolean addValues(Optional<Map<String, Object>> values, List<String> into) {
        if (values.isEmpty()) {
            return false;
        }
        for (Object v : values.get().values()) {
            if (v instanceof String) {
                into.add((String) v);
            }
        }
        return true;
    }
}
