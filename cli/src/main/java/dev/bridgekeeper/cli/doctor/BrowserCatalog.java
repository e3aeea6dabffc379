package dev.bridgekeeper.cli.doctor;

import dev.bridgekeeper.agent.internal.registration.BrowserSpec;
import dev.bridgekeeper.agent.internal.registration.HostOs;
import dev.bridgekeeper.agent.internal.registration.CatalogPlaces;
import dev.bridgekeeper.agent.internal.registration.LocatedBrowser;
import dev.bridgekeeper.protocol.local.SocketPaths;
import java.util.ArrayList;
import java.util.List;

/**
 * Where each browser looks for native messaging manifests, per OS, in its read order: the
 * library's browser catalog (installer/browsers.catalog, the one list install.sh and install.ps1
 * read too) turned into the doctor's {@link BrowserSpec}s.
 */
public final class BrowserCatalog {
    private BrowserCatalog() {}

    /** The host name every manifest must carry. */
    public static final String HOST_NAME = SocketPaths.DEFAULT_HOST_NAME;

    private static final dev.bridgekeeper.agent.internal.registration.BrowserCatalog CATALOG =
            dev.bridgekeeper.agent.internal.registration.BrowserCatalog.bundled();

    /** The browsers of the environment's OS, for the default product. */
    public static List<BrowserSpec> forEnvironment(DoctorEnvironment env) {
        return forEnvironment(env, HOST_NAME);
    }

    /** The browsers of the environment's OS, with the registry keys of product {@code hostName}. */
    public static List<BrowserSpec> forEnvironment(DoctorEnvironment env, String hostName) {
        List<BrowserSpec> all = new ArrayList<>();
        for (LocatedBrowser b : locate(env, hostName)) {
            all.add(BrowserSpec.of(b));
        }
        return all;
    }

    /** The catalog's browsers of the environment's OS, expanded for its home and root. */
    public static List<LocatedBrowser> locate(DoctorEnvironment env, String hostName) {
        return CATALOG.locate(catalogOs(env.os()), places(env, hostName));
    }

    /** The catalog's name of an OS. */
    public static String catalogOs(HostOs os) {
        return os == HostOs.MACOS ? "darwin" : os.label();
    }

    /** The placeholder values of the environment, the same install.sh computes. */
    public static CatalogPlaces places(DoctorEnvironment env, String hostName) {
        String root = env.root().getParent() == null ? "" : env.root().toString();
        return new CatalogPlaces(env.home(), env.configHome(), env.dataHome(), root,
                SocketPaths.productFolder(hostName), hostName, env.env());
    }

    /** The host's key below a vendor, e.g. {@code SOFTWARE\Google\Chrome\NativeMessagingHosts\dev.bridgekeeper.host}. */
    public static String hostKey(String vendor) {
        return hostKey(vendor, HOST_NAME);
    }

    /** The key of product {@code hostName} below a vendor. */
    public static String hostKey(String vendor, String hostName) {
        return "SOFTWARE\\" + vendor + "\\NativeMessagingHosts\\" + hostName;
    }
}
