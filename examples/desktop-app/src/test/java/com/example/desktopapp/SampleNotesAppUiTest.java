package com.example.desktopapp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bridgekeeper.agent.PairedExtension;
import dev.bridgekeeper.testing.TestExtension;
import java.awt.AWTEvent;
import java.awt.Component;
import java.awt.GraphicsEnvironment;
import java.awt.Point;
import java.awt.Rectangle;
import java.awt.Robot;
import java.awt.Toolkit;
import java.awt.Window;
import java.awt.event.AWTEventListener;
import java.awt.event.InputEvent;
import java.awt.event.MouseEvent;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import javax.swing.SwingUtilities;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The sample app's real windows on a real X server (Xvfb in run-tests.sh): a Java extension pairs
 * through the real host process, and {@link Robot} moves the pointer and clicks the real buttons.
 * Screenshots of the dialog and the main window go to {@code target/screenshots/}.
 */
class SampleNotesAppUiTest {
    private static final String CALLER = "chrome-extension://ehcmijlhbioomifbjmghlpklegfgldmf/";
    private static final long WAIT_SECONDS = 60; // a loaded machine; never a timing assertion
    private static final Path SHOTS = Path.of(System.getProperty("screenshots.dir", "target/screenshots"));

    private Path home;
    private SampleNotesApp app;
    private Robot robot;

    @BeforeAll
    static void needsADisplay() {
        assertFalse(GraphicsEnvironment.isHeadless(),
                "no display: run examples/desktop-app/run-tests.sh, which starts Xvfb");
    }

    @BeforeEach
    void startApp() throws Exception {
        // A short path: Unix socket paths are limited to about 100 bytes.
        home = Files.createTempDirectory(Path.of("/tmp"), "sn");
        app = SampleNotesApp.start(new AppOptions(home.resolve("agent.sock"), home.resolve("data"), List.of(CALLER)),
                AppIdentity.SAMPLE_NOTES);
        robot = new Robot();
        robot.setAutoDelay(40);
        waitFor("the main window to show", () -> onEdt(() -> app.window().isShowing()));
    }

    @AfterEach
    void closeApp() throws IOException {
        if (app != null) {
            app.close();
        }
        try (Stream<Path> files = Files.walk(home)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Test
    void approvingInTheDialogPairsAndTheWindowListsLocksAndRevokes() throws Exception {
        try (TestExtension extension = TestExtension.viaHost(home.resolve("agent.sock"), CALLER)) {
            int code = extension.awaitPairingCode(WAIT_SECONDS);
            ApprovalDialog dialog = awaitDialog();
            assertEquals(String.format("%03d %03d", code / 1000, code % 1000), onEdt(() -> dialog.request().code()),
                    "the dialog shows the code the extension shows");
            assertTrue(onEdt(() -> dialog.countdownText()).matches("Expires in [0-2]:\\d\\d"),
                    "countdown: " + onEdt(dialog::countdownText));
            assertTrue(onEdt(() -> dialog.isAlwaysOnTop() && dialog.isShowing()));
            screenshot(dialog, "approval-dialog.png");

            click(dialog.approveButton());
            extension.awaitReady(WAIT_SECONDS);
            waitFor("the dialog to close", () -> onEdt(() -> !dialog.isDisplayable()));
            waitFor("the pairing in the table", () -> onEdt(() -> app.window().pairingsTable().getRowCount() == 1));
            PairedExtension paired = app.bridge().pairings().list().get(0);
            assertEquals(paired.name(), onEdt(() -> app.window().pairingsTable().getValueAt(0, 0)));
            assertEquals(CALLER, onEdt(() -> app.window().pairingsTable().getValueAt(0, 1)));

            extension.call("biometric.status", null, WAIT_SECONDS);
            app.signIn().unlock("correct horse".toCharArray());
            waitFor("the unlocked state", () -> onEdt(() -> app.window().vaultStateText().contains("Unlocked")));
            waitFor("the call in the activity list",
                    () -> onEdt(() -> app.window().activityLines().stream().anyMatch(l -> l.endsWith("biometric.status \u2192 ok"))));
            List<String> lines = onEdt(() -> app.window().activityLines());
            int approvedAt = indexOf(lines, "pairing approved");
            int readyAt = indexOf(lines, "session ready");
            assertTrue(approvedAt >= 0 && approvedAt < readyAt, "approved, then ready: " + lines);
            screenshot(app.window(), "main-window.png");

            click(app.window().lockButton());
            waitFor("the vault to lock", () -> app.bridge().keyVault().isLocked());
            waitFor("the locked state", () -> onEdt(() -> app.window().vaultStateText().contains("Locked")));

            clickAt(app.window().pairingsTable(), () -> {
                Rectangle row = app.window().pairingsTable().getCellRect(0, 0, true);
                Point table = app.window().pairingsTable().getLocationOnScreen();
                return new Point(table.x + row.x + row.width / 2, table.y + row.y + row.height / 2);
            });
            waitFor("Revoke to be enabled", () -> onEdt(() -> app.window().revokeButton().isEnabled()));
            click(app.window().revokeButton());
            waitFor("the pairing to be gone", () -> app.bridge().pairings().list().isEmpty());
            assertEquals("pairing_revoked", extension.ui().failures.poll(WAIT_SECONDS, TimeUnit.SECONDS));
            waitFor("an empty table", () -> onEdt(() -> app.window().pairingsTable().getRowCount() == 0));
        }
    }

    @Test
    void rejectingInTheDialogStoresNothing() throws Exception {
        try (TestExtension extension = TestExtension.viaHost(home.resolve("agent.sock"), CALLER)) {
            extension.awaitPairingCode(WAIT_SECONDS);
            ApprovalDialog dialog = awaitDialog();
            click(dialog.rejectButton());
            assertEquals("pairing_rejected", extension.ui().failures.poll(WAIT_SECONDS, TimeUnit.SECONDS));
            waitFor("the dialog to close", () -> onEdt(() -> !dialog.isDisplayable()));
            assertTrue(app.bridge().pairings().list().isEmpty());
            waitFor("the rejection in the activity list",
                    () -> onEdt(() -> app.window().activityLines().stream().anyMatch(l -> l.contains("pairing rejected"))));
        }
    }

    @Test
    void theDialogClosesItselfWhenTheExtensionGoesAway() throws Exception {
        ApprovalDialog dialog;
        try (TestExtension extension = TestExtension.viaHost(home.resolve("agent.sock"), CALLER)) {
            extension.awaitPairingCode(WAIT_SECONDS);
            dialog = awaitDialog();
        }
        waitFor("the dialog to close by itself", () -> onEdt(() -> !dialog.isDisplayable()));
        waitFor("the cancellation in the activity list",
                () -> onEdt(() -> app.window().activityLines().stream().anyMatch(l -> l.contains("pairing cancelled"))));
        assertTrue(app.bridge().pairings().list().isEmpty());
    }

    @Test
    void anApprovalFromElsewhereClosesTheDialog() throws Exception {
        try (TestExtension extension = TestExtension.viaHost(home.resolve("agent.sock"), CALLER)) {
            int code = extension.awaitPairingCode(WAIT_SECONDS);
            ApprovalDialog dialog = awaitDialog();
            assertEquals(1, app.bridge().pairings().approve(code)); // what `bridgekeeper pairings approve` does
            extension.awaitReady(WAIT_SECONDS);
            waitFor("the dialog to close by itself", () -> onEdt(() -> !dialog.isDisplayable()));
        }
    }

    // ------------------------------------------------------------------ helpers

    private static int indexOf(List<String> lines, String text) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(text)) {
                return i;
            }
        }
        return -1;
    }

    private ApprovalDialog awaitDialog() throws Exception {
        AtomicReference<ApprovalDialog> found = new AtomicReference<>();
        waitFor("the approval dialog", () -> onEdt(() -> {
            for (Window w : Window.getWindows()) {
                if (w instanceof ApprovalDialog d && d.isShowing()) {
                    found.set(d);
                    return true;
                }
            }
            return false;
        }));
        robot.waitForIdle();
        return found.get();
    }

    private void click(Component c) throws Exception {
        waitFor(c.getName() + " to be on screen and enabled", () -> onEdt(() -> c.isShowing() && c.isEnabled()));
        clickAt(c, () -> UiProbe.centre(c));
    }

    /**
     * Clicks {@code target} at {@code where} (screen coordinates, computed on the EDT) the way a
     * person does: the button goes down only once the component itself has seen the pointer, and
     * the click counts once the component has received the release. Without a window manager, a
     * loaded X server can route the pointer to a just-mapped window a moment late; a press in that
     * moment lands on the window below and is lost.
     */
    private void clickAt(Component target, Callable<Point> where) throws Exception {
        AtomicBoolean hovered = new AtomicBoolean();
        AtomicBoolean released = new AtomicBoolean();
        AWTEventListener watcher = e -> {
            if (e.getSource() == target) {
                int id = e.getID();
                if (id == MouseEvent.MOUSE_ENTERED || id == MouseEvent.MOUSE_MOVED) {
                    hovered.set(true);
                } else if (id == MouseEvent.MOUSE_RELEASED) {
                    released.set(true);
                }
            }
        };
        Toolkit.getDefaultToolkit().addAWTEventListener(watcher,
                AWTEvent.MOUSE_EVENT_MASK | AWTEvent.MOUSE_MOTION_EVENT_MASK);
        try {
            robot.waitForIdle();
            int[] nudge = {0};
            waitFor("the pointer over " + target.getName(), () -> {
                if (!hovered.get()) {
                    Point p = onEdt(where);
                    robot.mouseMove(p.x + (nudge[0]++ % 2), p.y); // a move, even if the last one was lost
                    robot.waitForIdle();
                }
                return hovered.get();
            });
            robot.mousePress(InputEvent.BUTTON1_DOWN_MASK);
            robot.mouseRelease(InputEvent.BUTTON1_DOWN_MASK);
            waitFor(target.getName() + " to receive the click", released::get);
            robot.waitForIdle();
        } finally {
            Toolkit.getDefaultToolkit().removeAWTEventListener(watcher);
        }
    }

    private void screenshot(Window w, String name) throws Exception {
        robot.waitForIdle();
        Thread.sleep(300); // let the window manager-less X server finish painting
        Rectangle bounds = onEdt(w::getBounds);
        BufferedImage image = robot.createScreenCapture(bounds);
        Files.createDirectories(SHOTS);
        ImageIO.write(image, "png", SHOTS.resolve(name).toFile());
    }

    private static <T> T onEdt(Callable<T> query) throws Exception {
        AtomicReference<T> result = new AtomicReference<>();
        AtomicReference<Exception> failure = new AtomicReference<>();
        SwingUtilities.invokeAndWait(() -> {
            try {
                result.set(query.call());
            } catch (Exception e) {
                failure.set(e);
            }
        });
        if (failure.get() != null) {
            throw failure.get();
        }
        return result.get();
    }

    @FunctionalInterface
    private interface Check {
        boolean holds() throws Exception;
    }

    private static void waitFor(String what, Check check) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (!check.holds()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("gave up waiting for " + what);
            }
            Thread.sleep(50);
        }
    }
}
