package dev.bridgekeeper.biometrics;

import dev.bridgekeeper.biometrics.internal.NativeBinding;

import dev.bridgekeeper.biometrics.internal.macos.JnaLocalAuthPort;
import dev.bridgekeeper.biometrics.internal.macos.LocalAuthPort;
import dev.bridgekeeper.biometrics.internal.macos.TouchIdAuthenticator;
import dev.bridgekeeper.biometrics.internal.polkit.JnaPolkitPort;
import dev.bridgekeeper.biometrics.internal.polkit.PolkitAuthenticator;
import dev.bridgekeeper.biometrics.internal.polkit.PolkitPort;
import dev.bridgekeeper.biometrics.internal.windows.JnaWinRtPort;
import dev.bridgekeeper.biometrics.internal.windows.WinRtPort;
import dev.bridgekeeper.biometrics.internal.windows.WindowsHelloAuthenticator;
import java.util.List;
import java.util.Objects;

/**
 * Chooses the authenticator by name. Creating one loads nothing native: each loads its libraries
 * on first use, and only on its own operating system.
 */
public final class Authenticators {
    /** The names {@link #forName} accepts. */
    public static final List<String> NAMES = List.of("auto", PolkitAuthenticator.METHOD,
            WindowsHelloAuthenticator.METHOD, TouchIdAuthenticator.METHOD, NoAuthenticator.METHOD);

    private Authenticators() {}

    /** Which native loaders to use; real ones in production, counting fakes in tests. */
    record Loaders(NativeBinding.Loader<PolkitPort> polkit, NativeBinding.Loader<WinRtPort> windowsHello,
            NativeBinding.Loader<LocalAuthPort> touchId) {
        static Loaders real() {
            return new Loaders(JnaPolkitPort::load, JnaWinRtPort::load, JnaLocalAuthPort::load);
        }
    }

    /**
     * @param name {@code auto} (by OS: Linux polkit, Windows Hello, macOS Touch ID, else none),
     *             {@code polkit}, {@code windows-hello}, {@code touch-id} or {@code none}
     * @throws IllegalArgumentException for any other name
     */
    public static Authenticator forName(String name) {
        return select(name, Platform.current(), Loaders.real());
    }

    static Authenticator select(String name, Platform platform, Loaders loaders) {
        Objects.requireNonNull(name, "name");
        switch (name) {
            case "auto":
                return select(autoName(platform), platform, loaders);
            case PolkitAuthenticator.METHOD:
                return new PolkitAuthenticator(platform, loaders.polkit());
            case WindowsHelloAuthenticator.METHOD:
                return new WindowsHelloAuthenticator(platform, loaders.windowsHello());
            case TouchIdAuthenticator.METHOD:
                return new TouchIdAuthenticator(platform, loaders.touchId());
            case NoAuthenticator.METHOD:
                // 'none' chosen on a platform that has a method means someone turned it off.
                return platform == Platform.OTHER
                        ? new NoAuthenticator("no biometric method is supported on "
                                + System.getProperty("os.name", "this system"))
                        : new NoAuthenticator(Availability.NOT_ENABLED, "biometric unlock is turned off on this desktop");
            default:
                throw new IllegalArgumentException("unknown authenticator '" + printable(name) + "', expected one of "
                        + String.join(", ", NAMES));
        }
    }

    /** The method {@code auto} picks on {@code platform}. */
    static String autoName(Platform platform) {
        switch (platform) {
            case LINUX: return PolkitAuthenticator.METHOD;
            case WINDOWS: return WindowsHelloAuthenticator.METHOD;
            case MACOS: return TouchIdAuthenticator.METHOD;
            default: return NoAuthenticator.METHOD;
        }
    }

    private static String printable(String s) {
        String cut = s.length() > 40 ? s.substring(0, 40) + "..." : s;
        return cut.replaceAll("\\p{Cntrl}", "?");
    }
}
