package dev.bridgekeeper.cli.notify;

import dev.bridgekeeper.agent.Pairings;
import dev.bridgekeeper.agent.PairingRequest;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pairing notifications through the Desktop Notifications Specification
 * ({@code org.freedesktop.Notifications} on the session bus; GNOME, KDE, XFCE, dunst, mako…): a
 * notification with the extension's name and code and Approve / Reject actions. A click arrives as
 * {@code ActionInvoked}, accepted only from the notification server itself; a request answered some
 * other way (terminal, {@code bridgekeeper pairings}, time-out, the extension gone) has its
 * notification closed.
 */
final class FreedesktopNotifier implements PairingNotifier {
    private static final Logger log = LoggerFactory.getLogger(FreedesktopNotifier.class);
    static final String NOTIFICATIONS = "org.freedesktop.Notifications";
    static final String PATH = "/org/freedesktop/Notifications";
    static final String APPROVE = "approve";
    static final String REJECT = "reject";

    private final Supplier<String> busAddress;
    private final Pairings pairings;
    private final String appName;
    private final int expireMillis;
    private final Map<Long, PairingRequest> open = new ConcurrentHashMap<>();
    private final Object clicks = new Object();
    /** Clicks on notifications not (yet) known: the newest few, for a click that overtook Notify's reply. */
    private final Map<Long, String> unclaimed = new java.util.LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, String> eldest) {
            return size() > 32;
        }
    };
    private final ScheduledExecutorService sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "bridgekeeper-notify-sweep");
        t.setDaemon(true);
        return t;
    });
    private DbusConnection bus;
    private String serverName;
    private boolean markup;

    /**
     * @param busAddress   the session bus address, read at each (re)connection
     * @param pairings     where clicks are answered
     * @param appName      the application name the notification server shows
     * @param expireMillis how long the notification may stay (the pairing time-out)
     */
    FreedesktopNotifier(Supplier<String> busAddress, Pairings pairings, String appName, int expireMillis) {
        this.busAddress = busAddress;
        this.pairings = pairings;
        this.appName = appName;
        this.expireMillis = expireMillis;
        sweeper.scheduleWithFixedDelay(this::closeAnswered, 1, 1, TimeUnit.SECONDS);
    }

    @Override
    public synchronized void show(PairingRequest r) throws IOException {
        DbusConnection b = connected();
        String name = markup ? escape(r.extensionName()) : r.extensionName();
        String caller = markup ? escape(r.callerId()) : r.callerId();
        String summary = "Pair \u201c" + r.extensionName() + "\u201d?";
        String body = "The browser shows code " + r.code() + ". Approve only if it matches.\n"
                + name + " " + (markup ? escape(r.extensionVersion()) : r.extensionVersion()) + " (" + caller + ")";
        DbusMessage reply = b.call(NOTIFICATIONS, PATH, NOTIFICATIONS, "Notify", "susssasa{sv}i", w -> {
            w.writeString(appName);
            w.writeUint32(0);
            w.writeString("dialog-password");
            w.writeString(summary);
            w.writeString(body);
            w.writeStringArray(List.of(APPROVE, "Approve", REJECT, "Reject"));
            int[] hints = w.beginArray(8);
            w.align(8);
            w.writeString("urgency");
            w.writeSignature("y");
            w.writeByte(2); // critical: stays until answered on most servers
            w.align(8);
            w.writeString("category");
            w.writeSignature("s");
            w.writeString("device");
            w.endArray(hints);
            w.writeInt32(expireMillis);
        });
        long id = (Long) reply.body().get(0);
        String early;
        synchronized (clicks) {
            early = unclaimed.remove(id);
            if (early == null) {
                open.put(id, r);
            }
        }
        log.debug("pairing notification {} shown for connection {}", id, r.connectionId());
        if (early != null) {
            answer(r, early);
        }
    }

    /** The bus connection, (re)made when needed, with the server's capabilities checked. */
    private DbusConnection connected() throws IOException {
        if (bus != null && bus.isOpen()) {
            return bus;
        }
        DbusConnection b = DbusConnection.open(busAddress.get());
        try {
            serverName = (String) b.call(DbusConnection.BUS, DbusConnection.BUS_PATH, DbusConnection.BUS,
                    "GetNameOwner", "s", w -> w.writeString(NOTIFICATIONS)).body().get(0);
            @SuppressWarnings("unchecked")
            List<Object> caps = (List<Object>) b.call(NOTIFICATIONS, PATH, NOTIFICATIONS, "GetCapabilities", "", null)
                    .body().get(0);
            if (!caps.contains("actions")) {
                throw new IOException("the notification server shows no buttons (no 'actions' capability)");
            }
            markup = caps.contains("body-markup");
            for (String member : List.of("ActionInvoked", "NotificationClosed")) {
                String rule = "type='signal',sender='" + NOTIFICATIONS + "',interface='" + NOTIFICATIONS
                        + "',member='" + member + "'";
                b.call(DbusConnection.BUS, DbusConnection.BUS_PATH, DbusConnection.BUS, "AddMatch", "s",
                        w -> w.writeString(rule));
            }
            b.onSignal(this::onSignal);
        } catch (IOException | RuntimeException e) {
            b.close();
            throw e instanceof IOException io ? io : new IOException(e.getMessage(), e);
        }
        synchronized (clicks) {
            unclaimed.clear(); // ids of another server (or server run) mean nothing here
        }
        bus = b;
        return b;
    }

    private void onSignal(DbusMessage m) {
        if (!NOTIFICATIONS.equals(m.iface()) || !java.util.Objects.equals(m.sender(), serverName) || m.body().isEmpty()) {
            return; // only the notification server itself may answer
        }
        long id = (Long) m.body().get(0);
        if ("ActionInvoked".equals(m.member()) && m.body().size() == 2) {
            String action = (String) m.body().get(1);
            PairingRequest r;
            synchronized (clicks) {
                r = open.remove(id);
                if (r == null) {
                    // A click can overtake the reply to Notify; show() claims it.
                    unclaimed.put(id, action);
                    return;
                }
            }
            answer(r, action);
        } else if ("NotificationClosed".equals(m.member())) {
            // Dismissed without a button: the request stays open for the terminal or the CLI.
            open.remove(id);
        }
    }

    private void answer(PairingRequest r, String action) {
        if (APPROVE.equals(action)) {
            int n = pairings.approve(r.codeValue());
            log.info("pairing with '{}' {} from the desktop notification", r.extensionName(),
                    n > 0 ? "approved" : "not approved (the request had ended)");
        } else if (REJECT.equals(action)) {
            pairings.reject(r.codeValue());
            log.info("pairing with '{}' rejected from the desktop notification", r.extensionName());
        }
    }

    /** Closes the notifications of requests that were answered elsewhere or went away. */
    private void closeAnswered() {
        if (open.isEmpty()) {
            return;
        }
        List<String> waiting = pairings.pending().stream().map(PairingRequest::connectionId).toList();
        for (Map.Entry<Long, PairingRequest> e : open.entrySet()) {
            if (!waiting.contains(e.getValue().connectionId()) && open.remove(e.getKey(), e.getValue())) {
                try {
                    synchronized (this) {
                        if (bus != null && bus.isOpen()) {
                            bus.call(NOTIFICATIONS, PATH, NOTIFICATIONS, "CloseNotification", "u",
                                    w -> w.writeUint32(e.getKey()));
                        }
                    }
                } catch (IOException ex) {
                    log.debug("could not close notification {}: {}", e.getKey(), ex.getMessage());
                }
            }
        }
    }

    /** The body may be markup on servers that say so; the extension's name must stay text. */
    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    @Override
    public synchronized void close() {
        sweeper.shutdownNow();
        if (bus != null) {
            bus.close();
        }
    }
}
