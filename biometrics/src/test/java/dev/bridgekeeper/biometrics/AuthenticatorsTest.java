package dev.bridgekeeper.biometrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bridgekeeper.biometrics.internal.macos.LocalAuthPort;
import dev.bridgekeeper.biometrics.internal.polkit.PolkitPort;
import dev.bridgekeeper.biometrics.internal.windows.WinRtPort;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class AuthenticatorsTest {
    private final AtomicInteger polkitLoads = new AtomicInteger();
    private final AtomicInteger windowsLoads = new AtomicInteger();
    private final AtomicInteger macLoads = new AtomicInteger();

    /** Loaders that count and then fail like a missing library. */
    private final Authenticators.Loaders counting = new Authenticators.Loaders(
            () -> loadFails(polkitLoads, PolkitPort.class),
            () -> loadFails(windowsLoads, WinRtPort.class),
            () -> loadFails(macLoads, LocalAuthPort.class));

    private static <P> P loadFails(AtomicInteger counter, Class<P> type) {
        counter.incrementAndGet();
        throw new UnsatisfiedLinkError("Unable to load library for " + type.getSimpleName());
    }

    @Test
    void autoPicksTheMethodOfTheOperatingSystem() {
        assertEquals("polkit", Authenticators.select("auto", Platform.LINUX, counting).method());
        assertEquals("windows-hello", Authenticators.select("auto", Platform.WINDOWS, counting).method());
        assertEquals("touch-id", Authenticators.select("auto", Platform.MACOS, counting).method());
        assertEquals("none", Authenticators.select("auto", Platform.OTHER, counting).method());
        assertEquals(0, polkitLoads.get() + windowsLoads.get() + macLoads.get(), "choosing loads nothing");
    }

    @Test
    void windowsAndMacMethodsOnLinuxNeverLoadTheirNatives() throws Exception {
        for (String name : new String[] {"windows-hello", "touch-id"}) {
            try (Authenticator authenticator = Authenticators.select(name, Platform.LINUX, counting)) {
                BiometricStatus status = authenticator.status();
                assertEquals(Availability.PLATFORM_UNSUPPORTED, status.availability(), name);
                assertEquals(name, status.method());
                assertTrue(status.detail().contains("only available on"), status.detail());
                Verification v = authenticator.verify(new VerificationRequest("x")).get(10, TimeUnit.SECONDS);
                assertEquals(Outcome.UNAVAILABLE, v.outcome());
            }
        }
        assertEquals(0, windowsLoads.get());
        assertEquals(0, macLoads.get());
    }

    @Test
    void polkitOnLinuxLoadsAndReportsAMissingLibraryAsSetupNeeded() throws Exception {
        try (Authenticator polkit = Authenticators.select("polkit", Platform.LINUX, counting)) {
            BiometricStatus status = polkit.status();
            assertEquals(Availability.SETUP_NEEDED, status.availability());
            assertTrue(status.detail().contains("libpolkit-gobject-1-0"), status.detail());
            assertEquals(Outcome.UNAVAILABLE, polkit.verify(new VerificationRequest("x")).get(10, TimeUnit.SECONDS).outcome());
        }
        assertEquals(2, polkitLoads.get(), "a failed load is retried, so installing the library later helps");
        assertEquals(0, windowsLoads.get() + macLoads.get());
    }

    @Test
    void polkitOnWindowsIsUnsupportedWithoutLoading() {
        assertEquals(Availability.PLATFORM_UNSUPPORTED,
                Authenticators.select("polkit", Platform.WINDOWS, counting).status().availability());
        assertEquals(0, polkitLoads.get());
    }

    @Test
    void theRealSelectionOnThisMachineNamesItsMethod() {
        for (String name : Authenticators.NAMES) {
            Authenticator authenticator = Authenticators.forName(name);
            assertEquals(name.equals("auto") ? Authenticators.autoName(Platform.current()) : name, authenticator.method());
        }
    }

    @Test
    void unknownNamesAreRejectedClearly() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Authenticators.forName("face\u0007id"));
        assertEquals("unknown authenticator 'face?id', expected one of auto, polkit, windows-hello, touch-id, none",
                e.getMessage());
        assertThrows(NullPointerException.class, () -> Authenticators.forName(null));
    }
}
