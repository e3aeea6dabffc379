package dev.bridgekeeper.biometrics.internal.polkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.jna.Pointer;
import dev.bridgekeeper.biometrics.Platform;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The real binding's signatures against the real GLib and libpolkit on this machine, for the
 * calls that need no bus (the rest run in {@link PolkitIntegrationIT}).
 */
class JnaPolkitPortTest {
    private static JnaPolkitPort port;

    @BeforeAll
    static void load() {
        assumeTrue(Platform.current() == Platform.LINUX, "polkit is Linux only");
        try {
            port = JnaPolkitPort.load();
        } catch (UnsatisfiedLinkError e) {
            assumeTrue(false, "libpolkit-gobject-1 is not installed: " + e.getMessage());
        }
    }

    @Test
    void cancellableCanBeCancelledAndFreed() {
        Pointer cancellable = port.cancellableNew();
        assertNotNull(cancellable);
        assertFalse(port.gio.g_cancellable_is_cancelled(cancellable));
        port.cancellableCancel(cancellable);
        assertTrue(port.gio.g_cancellable_is_cancelled(cancellable));
        port.objectUnref(cancellable);
    }

    @Test
    void gErrorIsReadFieldByFieldAndFreed() {
        int quark = port.glib.g_quark_from_string("bridgekeeper-test-quark");
        Pointer error = port.glib.g_error_new_literal(quark, 42, "Action x is not registered \u2713");
        PolkitPort.GErrorInfo info = port.readError(error);
        assertEquals(new PolkitPort.GErrorInfo("bridgekeeper-test-quark", 42, "Action x is not registered \u2713"), info);
        port.errorFree(error);
    }

    @Test
    void cancelledIsRecognisedByDomainAndCode() {
        assertTrue(new PolkitPort.GErrorInfo("g-io-error-quark", 19, "Operation was cancelled").isCancelled());
        assertFalse(new PolkitPort.GErrorInfo("g-io-error-quark", 1, "x").isCancelled());
        assertFalse(new PolkitPort.GErrorInfo("polkit-error-quark", 19, "x").isCancelled());
    }

    @Test
    void subjectForThisProcessIsCreatedWithoutABus() {
        Pointer subject = port.unixProcessNewForOwner(Math.toIntExact(ProcessHandle.current().pid()), 0, -1);
        assertNotNull(subject);
        port.objectUnref(subject);
    }
}
