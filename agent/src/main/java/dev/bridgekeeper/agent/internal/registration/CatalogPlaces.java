package dev.bridgekeeper.agent.internal.registration;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * The values of the catalog's placeholders for one user and product, the same as install.sh and
 * install.ps1 compute them.
 *
 * @param home       the user's home ({@code ${HOME}}, {@code %USERPROFILE%})
 * @param configHome {@code ${CONFIG_HOME}}: $XDG_CONFIG_HOME or ~/.config
 * @param dataHome   {@code ${DATA_HOME}}: $XDG_DATA_HOME or ~/.local/share
 * @param root       {@code ${ROOT}}: "" in real use, a test tree's folder in tests
 * @param product    {@code ${PRODUCT}}: the product's folder name (SocketPaths.productFolder)
 * @param hostName   {@code ${HOST}}: the native messaging host name
 * @param env        the environment, for Windows {@code %NAME%} values
 */
public record CatalogPlaces(Path home, Path configHome, Path dataHome, String root, String product,
                            String hostName, Map<String, String> env) {

    public CatalogPlaces {
        Objects.requireNonNull(home, "home");
        Objects.requireNonNull(configHome, "configHome");
        Objects.requireNonNull(dataHome, "dataHome");
        Objects.requireNonNull(root, "root");
        Objects.requireNonNull(product, "product");
        Objects.requireNonNull(hostName, "hostName");
        env = Map.copyOf(env);
        if (root.endsWith("/")) {
            root = root.substring(0, root.length() - 1);
        }
    }

    /** The text with every placeholder replaced; an unknown {@code %NAME%} falls back under home. */
    public String expand(String template) {
        String s = template.replace("${HOME}", home.toString())
                .replace("${CONFIG_HOME}", configHome.toString())
                .replace("${DATA_HOME}", dataHome.toString())
                .replace("${ROOT}", root)
                .replace("${PRODUCT}", product)
                .replace("${HOST}", hostName);
        s = s.replace("%LOCALAPPDATA%", envOr("LOCALAPPDATA", home.resolve("AppData").resolve("Local")))
                .replace("%APPDATA%", envOr("APPDATA", home.resolve("AppData").resolve("Roaming")))
                .replace("%USERPROFILE%", home.toString());
        return s;
    }

    /** {@link #expand} as a path, with Windows separators turned into this file system's. */
    public Path path(String template) {
        String s = expand(template);
        if (template.startsWith("%") && !"\\".equals(home.getFileSystem().getSeparator())) {
            s = s.replace('\\', '/');
        }
        return Path.of(s);
    }

    private String envOr(String name, Path fallback) {
        String v = env.get(name);
        return v != null && !v.isEmpty() && Path.of(v).isAbsolute() ? v : fallback.toString();
    }
}
