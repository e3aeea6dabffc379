package dev.bridgekeeper.agent.internal.secure;

/**
 * How a private key kept in {@code identity.key} itself is protected, beyond the 0600 file in a
 * 0700 directory. Keys are sealed in a {@link dev.bridgekeeper.agent.SecretStore} where one is
 * usable ({@link KeyStorage}); these are the fallback and the forms older agents wrote.
 *
 * <ul>
 *   <li>{@code dpapi} (Windows): sealed with the Data Protection API to the user's logon
 *       credentials, so a copy of the file is useless on another account or machine.
 *       <b>Unverified on hardware</b>: written against the documented CryptProtectData API through
 *       jna-platform; run docs/biometrics-manual-test.md's Windows section to verify.</li>
 *   <li>{@code file-permissions} (Linux, macOS): the file mode is the protection. Any process of
 *       the same user can read it, as it can read the agent's memory; see SECURITY.md.</li>
 * </ul>
 */
public interface KeyProtection {
    /** The name recorded in the identity file. */
    String name();

    /** Seals a secret for storage. */
    byte[] seal(byte[] secret);

    /** Opens what {@link #seal} produced. */
    byte[] open(byte[] sealed);

    /** The protection recorded under {@code name}. */
    static KeyProtection named(String name) {
        switch (name) {
            case "file-permissions":
                return FilePermissions.INSTANCE;
            case "dpapi":
                return new Dpapi();
            default:
                throw new IllegalArgumentException("unknown key protection '" + name + "'");
        }
    }

    /** No transformation: the file's permissions protect it. */
    final class FilePermissions implements KeyProtection {
        static final FilePermissions INSTANCE = new FilePermissions();

        @Override
        public String name() {
            return "file-permissions";
        }

        @Override
        public byte[] seal(byte[] secret) {
            return secret.clone();
        }

        @Override
        public byte[] open(byte[] sealed) {
            return sealed.clone();
        }
    }

    /** Windows DPAPI, current-user scope. Loads JNA only when used, on Windows. */
    final class Dpapi implements KeyProtection {
        @Override
        public String name() {
            return "dpapi";
        }

        @Override
        public byte[] seal(byte[] secret) {
            return com.sun.jna.platform.win32.Crypt32Util.cryptProtectData(secret);
        }

        @Override
        public byte[] open(byte[] sealed) {
            return com.sun.jna.platform.win32.Crypt32Util.cryptUnprotectData(sealed);
        }
    }
}
