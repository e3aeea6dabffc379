package dev.bridgekeeper.cli.doctor;

import dev.bridgekeeper.agent.internal.registration.ExtensionIds;
import dev.bridgekeeper.protocol.local.SocketPaths;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * What to check.
 *
 * @param chromeIds     Chromium extension ids the manifests must allow
 * @param firefoxIds    Firefox add-on ids the manifests must allow
 * @param browsers      browser ids to check (empty: every installed one); named ones are checked
 *                      even when they look absent
 * @param launch        whether to start each launcher
 * @param launchTimeout how long to wait for the first frame, and again for the exit
 * @param socket        the agent socket to probe, or null for the product's default
 * @param hostName      the product's native messaging host name (manifest name, registry keys, socket)
 */
public record DoctorOptions(List<String> chromeIds, List<String> firefoxIds, Set<String> browsers, boolean launch,
                            Duration launchTimeout, Path socket, String hostName) {

    /** Options for the default product ({@link SocketPaths#DEFAULT_HOST_NAME}). */
    public DoctorOptions(List<String> chromeIds, List<String> firefoxIds, Set<String> browsers, boolean launch,
                         Duration launchTimeout, Path socket) {
        this(chromeIds, firefoxIds, browsers, launch, launchTimeout, socket, SocketPaths.DEFAULT_HOST_NAME);
    }

    public DoctorOptions {
        SocketPaths.requireHostName(hostName);
        chromeIds = List.copyOf(chromeIds);
        firefoxIds = List.copyOf(firefoxIds);
        browsers = Set.copyOf(browsers);
        Objects.requireNonNull(launchTimeout, "launchTimeout");
        if (chromeIds.isEmpty() || firefoxIds.isEmpty()) {
            throw new IllegalArgumentException("at least one Chromium and one Firefox id");
        }
    }

    /** The sample extension's ids, every installed browser, launch with a 5 s limit, default socket. */
    public static DoctorOptions defaults() {
        return new DoctorOptions(List.of(ExtensionIds.DEFAULT_CHROME_ID), List.of(ExtensionIds.DEFAULT_FIREFOX_ID),
                Set.of(), true, Duration.ofSeconds(5), null);
    }
}
