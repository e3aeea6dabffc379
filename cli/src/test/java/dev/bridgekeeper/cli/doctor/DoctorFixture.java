package dev.bridgekeeper.cli.doctor;

import dev.bridgekeeper.agent.internal.registration.ExtensionIds;
import dev.bridgekeeper.agent.internal.registration.HostOs;
import dev.bridgekeeper.agent.internal.registration.RegistryReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** A temporary home and system root with helpers to seed browsers, manifests and launchers. */
final class DoctorFixture {
    static final String CHROME_ID = ExtensionIds.DEFAULT_CHROME_ID;
    static final String FIREFOX_ID = ExtensionIds.DEFAULT_FIREFOX_ID;
    static final String OTHER_CHROME_ID = "abcdefghijklmnopabcdefghijklmnop";
    static final String STATUS_FRAME = "{\"type\":\"status\",\"state\":\"desktop_unavailable\"}";

    final Path home;
    final Path root;
    final Map<String, String> env = new HashMap<>();

    DoctorFixture(Path tmp) throws IOException {
        home = Files.createDirectories(tmp.resolve("home"));
        root = Files.createDirectories(tmp.resolve("sysroot"));
    }

    DoctorEnvironment env(HostOs os, RegistryReader registry) {
        return new DoctorEnvironment(os, home, env, root, registry);
    }

    DoctorEnvironment linux() {
        return env(HostOs.LINUX, RegistryReader.NONE);
    }

    /** Options: default ids, a socket path that does not exist, launch with the given timeout. */
    DoctorOptions options(Duration launchTimeout) {
        return new DoctorOptions(List.of(CHROME_ID), List.of(FIREFOX_ID), Set.of(), true, launchTimeout,
                home.resolve("no-agent/agent.sock"));
    }

    DoctorOptions options() {
        return options(Duration.ofSeconds(10));
    }

    Path dir(String relativeToHome) throws IOException {
        return Files.createDirectories(home.resolve(relativeToHome));
    }

    Path sysDir(String absolute) throws IOException {
        return Files.createDirectories(root.resolve(absolute.substring(1)));
    }

    /** A shell launcher that writes the given bytes to stdout, waits for EOF on stdin, and exits with {@code exit}. */
    Path launcher(String name, byte[] stdout, int exit) throws IOException {
        StringBuilder escaped = new StringBuilder();
        for (byte b : stdout) {
            escaped.append(String.format("\\%03o", b & 0xff));
        }
        String script = "#!/bin/sh\nprintf '" + escaped + "'\ncat >/dev/null\nexit " + exit + "\n";
        return script(name, script);
    }

    /** A launcher that writes one valid frame and exits cleanly on EOF, like the real host. */
    Path goodLauncher() throws IOException {
        return launcher("bridgekeeper-host", frame(STATUS_FRAME), 0);
    }

    Path script(String name, String text) throws IOException {
        Path bin = Files.createDirectories(home.resolve(".local/share/bridgekeeper/bin"));
        Path p = bin.resolve(name);
        Files.writeString(p, text, StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        return p;
    }

    static byte[] frame(String json) {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[4 + body.length];
        int n = body.length;
        out[0] = (byte) n;
        out[1] = (byte) (n >>> 8);
        out[2] = (byte) (n >>> 16);
        out[3] = (byte) (n >>> 24);
        System.arraycopy(body, 0, out, 4, body.length);
        return out;
    }

    static String chromiumManifest(String path, String... ids) {
        StringBuilder origins = new StringBuilder();
        for (String id : ids) {
            origins.append(origins.length() == 0 ? "" : ", ").append('"').append(ExtensionIds.origin(id)).append('"');
        }
        return "{\n  \"name\": \"dev.bridgekeeper.host\",\n  \"description\": \"test\",\n  \"path\": \"" + path
                + "\",\n  \"type\": \"stdio\",\n  \"allowed_origins\": [" + origins + "]\n}\n";
    }

    static String firefoxManifest(String path, String... ids) {
        StringBuilder list = new StringBuilder();
        for (String id : ids) {
            list.append(list.length() == 0 ? "" : ", ").append('"').append(id).append('"');
        }
        return "{\n  \"name\": \"dev.bridgekeeper.host\",\n  \"description\": \"test\",\n  \"path\": \"" + path
                + "\",\n  \"type\": \"stdio\",\n  \"allowed_extensions\": [" + list + "]\n}\n";
    }

    static Path writeManifest(Path folder, String json) throws IOException {
        Files.createDirectories(folder);
        Path f = folder.resolve("dev.bridgekeeper.host.json");
        Files.writeString(f, json, StandardCharsets.UTF_8);
        return f;
    }

    /** Chromium's profile with a good manifest pointing at {@code launcher}. */
    Path chromium(Path launcher) throws IOException {
        return writeManifest(dir(".config/chromium").resolve("NativeMessagingHosts"), chromiumManifest(launcher.toString(), CHROME_ID));
    }

    /** Firefox's profile with a good manifest pointing at {@code launcher}. */
    Path firefox(Path launcher) throws IOException {
        return writeManifest(dir(".mozilla").resolve("native-messaging-hosts"), firefoxManifest(launcher.toString(), FIREFOX_ID));
    }
}
