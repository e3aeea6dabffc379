package com.example.desktopapp;

import dev.bridgekeeper.agent.PairingApprover;
import dev.bridgekeeper.agent.PairingRequest;
import java.awt.Window;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Supplier;
import javax.swing.SwingUtilities;

/**
 * Asks the user in an {@link ApprovalDialog}. The bridge calls {@link #approve} on a connection's
 * thread, which must not wait for a person: it returns a future at once and hands the dialog to
 * Swing's event thread. The dialog completes the future when the user clicks; when the bridge
 * cancels the future (the extension went away, the pairing timed out, or someone approved with
 * {@code bridgekeeper pairings approve}), the dialog closes itself.
 */
final class SwingPairingApprover implements PairingApprover {
    private final Supplier<Window> owner;
    private final String appName;
    private final Duration timeout;
    private final Clock clock;
    private final Consumer<ApprovalDialog> shown;

    /**
     * @param owner   the window to centre on (may give null)
     * @param appName the app's display name, for the dialog
     * @param timeout the bridge's pairing timeout, for the dialog's countdown
     * @param shown   hears each dialog once it is on screen (the tray's notice, the test probe)
     */
    SwingPairingApprover(Supplier<Window> owner, String appName, Duration timeout, Clock clock,
            Consumer<ApprovalDialog> shown) {
        this.owner = owner;
        this.appName = appName;
        this.timeout = timeout;
        this.clock = clock;
        this.shown = shown;
    }

    @Override
    public CompletableFuture<Boolean> approve(PairingRequest request) {
        CompletableFuture<Boolean> answer = new CompletableFuture<>();
        Instant deadline = clock.instant().plus(timeout);
        SwingUtilities.invokeLater(() -> {
            if (answer.isDone()) {
                return; // answered or cancelled before the event thread got here
            }
            ApprovalDialog dialog = new ApprovalDialog(owner.get(), appName, request, deadline, clock, answer);
            dialog.present(shown);
        });
        return answer;
    }
}
