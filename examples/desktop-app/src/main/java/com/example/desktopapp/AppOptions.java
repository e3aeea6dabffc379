package com.example.desktopapp;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The command line: {@code [--socket P] [--data-dir D] [--allow CALLER]...}. Without
 * {@code --allow} the app accepts the Bridgekeeper sample extension in Chromium and Firefox.
 *
 * @param socket  the socket the browsers' host connects to; null for the per-user default
 * @param dataDir where the identity and pairings live
 * @param allowed the extensions allowed to connect
 */
public record AppOptions(Path socket, Path dataDir, List<String> allowed) {
    static final String SAMPLE_CHROMIUM = "chrome-extension://ehcmijlhbioomifbjmghlpklegfgldmf/";
    static final String SAMPLE_FIREFOX = "moz-extension:bridgekeeper-sample@bridgekeeper.dev";
    static final String USAGE = "usage: sample-notes [--socket P] [--data-dir D] [--allow CALLER]...";

    public AppOptions {
        allowed = List.copyOf(allowed);
    }

    /** Parses the arguments; a bad one throws with a message that names it. */
    public static AppOptions parse(String[] args, AppIdentity identity) {
        Path socket = null;
        Path dataDir = identity.defaultDataDirectory();
        List<String> allowed = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!a.equals("--socket") && !a.equals("--data-dir") && !a.equals("--allow")) {
                throw new IllegalArgumentException("unknown argument '" + a + "'\n" + USAGE);
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(a + " needs a value\n" + USAGE);
            }
            String v = args[++i];
            switch (a) {
                case "--socket" -> socket = Path.of(v);
                case "--data-dir" -> dataDir = Path.of(v);
                default -> allowed.add(v);
            }
        }
        if (allowed.isEmpty()) {
            allowed = List.of(SAMPLE_CHROMIUM, SAMPLE_FIREFOX);
        }
        return new AppOptions(socket, dataDir, allowed);
    }
}
