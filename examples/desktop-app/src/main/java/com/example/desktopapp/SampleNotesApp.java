package com.example.desktopapp;

import dev.bridgekeeper.agent.DesktopBridge;
import java.awt.GraphicsEnvironment;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import javax.swing.SwingUtilities;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sample Notes: a Swing app that embeds Bridgekeeper. It shows its own pairing dialog, lists the
 * paired extensions, locks and unlocks the key vault from its own sign-in, and shows what happens
 * on the bridge. {@code main} runs it; tests start it with {@link #start}.
 */
public final class SampleNotesApp implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SampleNotesApp.class);
    /** The protocol's limit for a pairing answer, and the bridge's default. */
    static final Duration PAIRING_TIMEOUT = Duration.ofSeconds(120);

    private final DesktopBridge bridge;
    private final MainWindow window;
    private volatile TrayIntegration tray;
    private final CountDownLatch closed = new CountDownLatch(1);
    private VaultSignIn signIn;

    private SampleNotesApp(DesktopBridge bridge, MainWindow window) {
        this.bridge = bridge;
        this.window = window;
    }

    public static void main(String[] args) throws Exception {
        AppOptions options;
        try {
            options = AppOptions.parse(args, AppIdentity.SAMPLE_NOTES);
        } catch (IllegalArgumentException e) {
            System.err.println("sample-notes: " + e.getMessage());
            System.exit(2);
            return;
        }
        if (GraphicsEnvironment.isHeadless()) {
            System.err.println("sample-notes: no display (set DISPLAY, or run the bridgekeeper agent instead)");
            System.exit(1);
        }
        SampleNotesApp app;
        try {
            app = start(options, AppIdentity.SAMPLE_NOTES);
        } catch (IOException e) {
            System.err.println("sample-notes: " + e.getMessage());
            System.exit(1);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(app::closeBridge, "sample-notes-shutdown"));
        app.closed.await();
        System.exit(0);
    }

    /** Builds the window, starts the bridge and shows the window. */
    static SampleNotesApp start(AppOptions options, AppIdentity identity)
            throws IOException, InterruptedException, InvocationTargetException {
        AtomicReference<MainWindow> windowRef = new AtomicReference<>();
        SwingUtilities.invokeAndWait(() -> windowRef.set(new MainWindow(identity)));
        MainWindow window = windowRef.get();
        AtomicReference<SampleNotesApp> appRef = new AtomicReference<>();

        SwingPairingApprover approver = new SwingPairingApprover(
                () -> window.isShowing() ? window : null, identity.displayName(), PAIRING_TIMEOUT, Clock.systemUTC(),
                dialog -> {
                    SampleNotesApp running = appRef.get();
                    TrayIntegration t = running == null ? null : running.tray;
                    if (t != null) {
                        t.notice("Pairing request", "\u201c" + dialog.request().extensionName()
                                + "\u201d asks to connect. Compare the code " + dialog.request().code() + ".");
                    }
                    UiProbe.dialogShown(dialog);
                });
        DesktopBridge.Builder b = DesktopBridge.builder()
                .dataDirectory(options.dataDir())
                .pairingApprover(approver)
                .pairingTimeout(PAIRING_TIMEOUT)
                .onActivity(window::activity);
        identity.applyTo(b);
        if (options.socket() != null) {
            b.socketPath(options.socket());
        }
        options.allowed().forEach(b::allowCaller);
        DesktopBridge bridge = b.build();
        VaultSignIn signIn = new VaultSignIn(bridge.keyVault(), options.dataDir());
        bridge.start();
        SampleNotesApp app = new SampleNotesApp(bridge, window);
        app.signIn = signIn;
        appRef.set(app);
        SwingUtilities.invokeAndWait(() -> {
            window.attach(bridge, signIn);
            app.tray = TrayIntegration.install(window, identity, signIn::lock, app::close);
            window.setVisible(true);
        });
        log.info("{} is serving on {}", identity.displayName(), bridge.socketPath());
        return app;
    }

    VaultSignIn signIn() {
        return signIn;
    }

    DesktopBridge bridge() {
        return bridge;
    }

    MainWindow window() {
        return window;
    }

    private void closeBridge() {
        bridge.close();
    }

    /** Closes the bridge (locking the vault) and the window. */
    @Override
    public void close() {
        closeBridge();
        SwingUtilities.invokeLater(() -> {
            if (tray != null) {
                tray.remove();
            }
            window.dispose();
        });
        closed.countDown();
    }
}
