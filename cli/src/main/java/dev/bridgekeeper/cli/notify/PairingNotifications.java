package dev.bridgekeeper.cli.notify;

import dev.bridgekeeper.agent.Pairings;
import dev.bridgekeeper.agent.PairingRequest;
import java.io.IOException;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Desktop notifications for the reference agent's pairing requests, so no terminal is needed:
 *
 * <pre>{@code bridge.pairings().onRequest(PairingNotifications.forThisDesktop(bridge.pairings()));}</pre>
 *
 * <p>Linux (and other freedesktop desktops): a notification with Approve and Reject buttons over
 * D-Bus. macOS and Windows: not available from this command yet (see {@link UnavailableNotifier}).
 * Where no notification can be shown the request still waits for {@code bridgekeeper pairings
 * approve CODE}; that is logged once, not at every request. Notifications are raised on a thread
 * of their own, never on the connection thread that reports the request.
 */
public final class PairingNotifications implements Consumer<PairingRequest> {
    private static final Logger log = LoggerFactory.getLogger(PairingNotifications.class);
    private final PairingNotifier notifier;
    private final Consumer<String> reportOnce;
    private final AtomicBoolean reportedUnavailable = new AtomicBoolean();
    private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "bridgekeeper-notify");
        t.setDaemon(true);
        return t;
    });

    PairingNotifications(PairingNotifier notifier, Consumer<String> reportOnce) {
        this.notifier = notifier;
        this.reportOnce = reportOnce;
    }

    /** The notifications this OS offers, answering through {@code pairings}. */
    public static PairingNotifications forThisDesktop(Pairings pairings) {
        return new PairingNotifications(notifierFor(System.getProperty("os.name", ""), pairings), log::warn);
    }

    static PairingNotifier notifierFor(String osName, Pairings pairings) {
        String os = osName.toLowerCase(Locale.ROOT);
        if (os.startsWith("windows")) {
            return new UnavailableNotifier("pairing notifications are not available on Windows yet");
        }
        if (os.contains("mac")) {
            return new UnavailableNotifier("pairing notifications are not available on macOS yet");
        }
        return new FreedesktopNotifier(() -> System.getenv("DBUS_SESSION_BUS_ADDRESS"), pairings,
                "Bridgekeeper", 120_000);
    }

    @Override
    public void accept(PairingRequest request) {
        worker.execute(() -> {
            try {
                notifier.show(request);
            } catch (IOException | RuntimeException e) {
                if (reportedUnavailable.compareAndSet(false, true)) {
                    reportOnce.accept("no desktop notification for pairing requests (" + e.getMessage()
                            + "); approve them with 'bridgekeeper pairings approve CODE' as shown");
                } else {
                    log.debug("no desktop notification: {}", e.getMessage());
                }
            }
        });
    }
}
