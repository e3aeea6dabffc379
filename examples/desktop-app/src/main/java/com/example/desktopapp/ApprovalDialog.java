package com.example.desktopapp;

import dev.bridgekeeper.agent.PairingRequest;
import java.awt.BorderLayout;
import java.awt.Color;
import java.awt.Font;
import java.awt.GridBagConstraints;
import java.awt.GridBagLayout;
import java.awt.Insets;
import java.awt.Window;
import java.awt.event.KeyEvent;
import java.awt.event.WindowAdapter;
import java.awt.event.WindowEvent;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import javax.swing.BorderFactory;
import javax.swing.JButton;
import javax.swing.JComponent;
import javax.swing.JDialog;
import javax.swing.JLabel;
import javax.swing.JPanel;
import javax.swing.KeyStroke;
import javax.swing.SwingConstants;
import javax.swing.SwingUtilities;
import javax.swing.Timer;

/**
 * "Pair with this extension?": the extension's name, its caller id and the six-digit code in large
 * type, Approve and Reject, and a countdown to the protocol's time-out. Modeless, so several
 * requests (or the main window) stay usable; brought to the front and focused when it opens.
 * Reject has the focus, so an Enter pressed by habit does not approve. Closing the window or
 * pressing Escape rejects.
 */
final class ApprovalDialog extends JDialog {
    /** Every approval dialog's title starts with this (for people, and for the e2e's window search). */
    static final String TITLE_PREFIX = "Pairing request";

    private final PairingRequest request;
    private final CompletableFuture<Boolean> answer;
    private final JButton approve = new JButton("Approve");
    private final JButton reject = new JButton("Reject");
    private final JLabel countdown = new JLabel(" ", SwingConstants.CENTER);
    private final Timer ticker;

    ApprovalDialog(Window owner, String appName, PairingRequest request, Instant deadline, Clock clock,
            CompletableFuture<Boolean> answer) {
        super(owner, TITLE_PREFIX + " - " + appName, ModalityType.MODELESS);
        this.request = request;
        this.answer = answer;
        setName("approval-dialog");
        approve.setName("approve");
        reject.setName("reject");
        setDefaultCloseOperation(DO_NOTHING_ON_CLOSE);
        addWindowListener(new WindowAdapter() {
            @Override
            public void windowClosing(WindowEvent e) {
                answer(false);
            }
        });

        JPanel body = new JPanel(new GridBagLayout());
        body.setBorder(BorderFactory.createEmptyBorder(18, 24, 12, 24));
        GridBagConstraints c = new GridBagConstraints();
        c.gridx = 0;
        c.fill = GridBagConstraints.HORIZONTAL;
        c.insets = new Insets(3, 0, 3, 0);
        body.add(plain("A browser extension asks to connect to " + appName + ":",
                Font.PLAIN, 13f), c);
        // The name is the extension's own claim: shown as plain text in quotes, never as markup.
        body.add(plain("\u201c" + request.extensionName() + "\u201d " + request.extensionVersion(), Font.BOLD, 16f), c);
        JLabel caller = plain(request.callerId(), Font.PLAIN, 12f);
        caller.setForeground(Color.DARK_GRAY);
        body.add(caller, c);
        c.insets = new Insets(14, 0, 0, 0);
        body.add(plain("Approve only if the browser shows this code:", Font.PLAIN, 13f), c);
        c.insets = new Insets(4, 0, 4, 0);
        JLabel code = plain(request.code(), Font.BOLD, 44f);
        code.setName("code");
        code.setFont(new Font(Font.MONOSPACED, Font.BOLD, 44));
        code.setHorizontalAlignment(SwingConstants.CENTER);
        body.add(code, c);
        countdown.setName("countdown");
        body.add(countdown, c);

        JPanel buttons = new JPanel();
        buttons.add(reject);
        buttons.add(approve);
        approve.addActionListener(e -> answer(true));
        reject.addActionListener(e -> answer(false));
        getRootPane().registerKeyboardAction(e -> answer(false), KeyStroke.getKeyStroke(KeyEvent.VK_ESCAPE, 0),
                JComponent.WHEN_IN_FOCUSED_WINDOW);

        getContentPane().add(body, BorderLayout.CENTER);
        getContentPane().add(buttons, BorderLayout.SOUTH);
        pack();
        setResizable(false);
        setLocationRelativeTo(owner);

        ticker = new Timer(250, e -> {
            Duration left = Duration.between(clock.instant(), deadline);
            if (left.isNegative() || left.isZero()) {
                answer(false); // the bridge has given up too: nothing can pair any more
                return;
            }
            long s = (left.toMillis() + 999) / 1000;
            countdown.setText(String.format("Expires in %d:%02d", s / 60, s % 60));
        });
        ticker.setInitialDelay(0);
        // The bridge cancels the future when the extension goes away or another answer won.
        answer.whenComplete((v, e) -> SwingUtilities.invokeLater(this::close));
    }

    private static JLabel plain(String text, int style, float size) {
        JLabel l = new JLabel(text);
        l.putClientProperty("html.disable", Boolean.TRUE);
        l.setFont(l.getFont().deriveFont(style, size));
        return l;
    }

    /** Shows the dialog in front with the focus, then tells {@code shown}. */
    void present(Consumer<ApprovalDialog> shown) {
        addWindowListener(new WindowAdapter() {
            @Override
            public void windowOpened(WindowEvent e) {
                reject.requestFocusInWindow();
                shown.accept(ApprovalDialog.this);
            }
        });
        ticker.start();
        setAlwaysOnTop(true); // a pairing prompt nobody sees is a pairing that times out
        setVisible(true);
        toFront();
        requestFocus();
    }

    private void answer(boolean approved) {
        answer.complete(approved);
        close();
    }

    private void close() {
        ticker.stop();
        dispose();
    }

    PairingRequest request() {
        return request;
    }

    JButton approveButton() {
        return approve;
    }

    JButton rejectButton() {
        return reject;
    }

    String countdownText() {
        return countdown.getText();
    }
}
