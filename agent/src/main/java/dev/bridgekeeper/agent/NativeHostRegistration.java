package dev.bridgekeeper.agent;

import dev.bridgekeeper.agent.internal.registration.BrowserCatalog;
import dev.bridgekeeper.agent.internal.registration.CatalogPlaces;
import dev.bridgekeeper.agent.internal.registration.HostOs;
import dev.bridgekeeper.agent.internal.registration.HostRegistrar;
import dev.bridgekeeper.agent.internal.registration.JnaRegistry;
import dev.bridgekeeper.agent.internal.registration.RegistryReader;
import dev.bridgekeeper.agent.internal.registration.RegistryWriter;
import dev.bridgekeeper.protocol.local.SocketPaths;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * Registers a product's native messaging host with the browsers installed here, checks it and
 * removes it, from the app itself: the same browser catalog and rules as installer/install.sh and
 * install.ps1 (a browser counts as installed by its profile or install folder).
 *
 * <pre>{@code
 * NativeHostRegistration registration = NativeHostRegistration.forUser(product);
 * registration.install(Path.of("/opt/vault/bin/vault-host"), List.of("abcdefghijklmnopabcdefghijklmnop"));
 * for (NativeHostRegistration.Finding f : registration.verify(List.of("abcdefghijklmnopabcdefghijklmnop"))) {
 *     System.out.println(f);
 * }
 * }</pre>
 *
 * <p>On Windows the manifests go to the product's data folder and the keys below HKCU (user) or
 * HKLM (system) are written through jna-platform; that path is compiled and unit-tested through
 * fakes here but not yet run on Windows hardware. Flatpak browsers are reported as skipped: they
 * need a copy of the host inside their sandbox, which install.sh makes.
 */
public final class NativeHostRegistration {

    private final HostRegistrar registrar;

    private NativeHostRegistration(ProductIdentity product, boolean systemScope) {
        Objects.requireNonNull(product, "product");
        HostOs os = HostOs.current();
        Path home = Path.of(os == HostOs.WINDOWS && System.getenv("USERPROFILE") != null
                ? System.getenv("USERPROFILE") : System.getProperty("user.home"));
        CatalogPlaces places = new CatalogPlaces(home, xdg("XDG_CONFIG_HOME", home.resolve(".config")),
                xdg("XDG_DATA_HOME", home.resolve(".local/share")), "", SocketPaths.productFolder(product.hostName()),
                product.hostName(), System.getenv());
        String catalogOs = os == HostOs.MACOS ? "darwin" : os.label();
        JnaRegistry registry = os == HostOs.WINDOWS ? new JnaRegistry() : null;
        this.registrar = new HostRegistrar(os, BrowserCatalog.bundled().locate(catalogOs, places), systemScope,
                product.hostName(), product.displayName(),
                registry != null ? registry : RegistryReader.NONE,
                registry != null ? registry : NO_REGISTRY,
                product.dataDirectory().resolveSibling("manifests"));
    }

    /** Registration for the current OS user: manifests in the user's browser folders (HKCU on Windows). */
    public static NativeHostRegistration forUser(ProductIdentity product) {
        return new NativeHostRegistration(product, false);
    }

    /** Registration for every user: system-wide folders (HKLM on Windows); needs administrator rights. */
    public static NativeHostRegistration forSystem(ProductIdentity product) {
        return new NativeHostRegistration(product, true);
    }

    /**
     * Writes a manifest starting {@code launcher} for every browser found, allowing
     * {@code extensionIds} (Chromium extension ids and Firefox add-on ids, mixed).
     *
     * @return one finding per manifest or key written, and a {@code skipped} one with the reason
     *         for every browser left out
     * @throws IllegalArgumentException for a malformed id or a relative launcher path
     * @throws IOException              when a folder, file or key cannot be written
     */
    public List<Finding> install(Path launcher, List<String> extensionIds) throws IOException {
        return convert(registrar.install(Objects.requireNonNull(launcher, "launcher"), List.copyOf(extensionIds)));
    }

    /**
     * {@code bridgekeeper doctor}'s manifest checks for every browser found: found, valid JSON,
     * name, type, launcher path, allow-list holding {@code extensionIds}; a {@code skipped} finding
     * says why a browser was not checked. Nothing is started or changed.
     */
    public List<Finding> verify(List<String> extensionIds) {
        return convert(registrar.verify(List.copyOf(extensionIds)));
    }

    /** Deletes this product's manifests (only files naming its host) and registry keys. */
    public List<Finding> remove() throws IOException {
        return convert(registrar.remove());
    }

    /**
     * One result of {@link #install}, {@link #verify} or {@link #remove}.
     *
     * @param browser the catalog's short name ({@code chrome}, {@code firefox}, ...)
     * @param check   {@code installed}, {@code removed}, {@code skipped}, {@code manifest},
     *                {@code json}, {@code name}, {@code type}, {@code path}, {@code allowed}, ...
     * @param status  {@code ok}, {@code info}, {@code warn} or {@code fail}; only {@code fail}
     *                means the browser cannot start the host
     * @param message what was found, for a person
     * @param fix     what to do, or null
     */
    public record Finding(String browser, String check, String status, String message, String fix) {
        /** Whether this finding is a problem that stops the browser from starting the host. */
        public boolean failed() {
            return status.equals("fail");
        }
    }

    private static List<Finding> convert(List<dev.bridgekeeper.agent.internal.registration.Finding> findings) {
        return findings.stream().map(f -> new Finding(f.subject(), f.check(),
                f.status().name().toLowerCase(java.util.Locale.ROOT), f.message(), f.fix())).toList();
    }

    private static Path xdg(String name, Path fallback) {
        String v = System.getenv(name);
        return v != null && !v.isEmpty() && Path.of(v).isAbsolute() ? Path.of(v) : fallback;
    }

    private static final RegistryWriter NO_REGISTRY = new RegistryWriter() {
        @Override
        public void setDefault(RegistryReader.Hive hive, String path, String value) {
            throw new IllegalStateException("no registry on this OS");
        }

        @Override
        public void deleteKey(RegistryReader.Hive hive, String path) {
            throw new IllegalStateException("no registry on this OS");
        }
    };
}
