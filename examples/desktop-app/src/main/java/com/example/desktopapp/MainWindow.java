package com.example.desktopapp;

import dev.bridgekeeper.agent.BridgeActivity;
import dev.bridgekeeper.agent.DesktopBridge;
import dev.bridgekeeper.agent.PairedExtension;
import java.awt.BorderLayout;
import java.awt.Color;
import java.awt.Component;
import java.awt.Dimension;
import java.awt.FlowLayout;
import java.awt.Font;
import java.io.IOException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import javax.swing.BorderFactory;
import javax.swing.DefaultListModel;
import javax.swing.JButton;
import javax.swing.JFrame;
import javax.swing.JLabel;
import javax.swing.JList;
import javax.swing.JOptionPane;
import javax.swing.JPanel;
import javax.swing.JPasswordField;
import javax.swing.JScrollPane;
import javax.swing.JSplitPane;
import javax.swing.JTable;
import javax.swing.ListSelectionModel;
import javax.swing.SwingUtilities;
import javax.swing.table.AbstractTableModel;
import javax.swing.table.DefaultTableCellRenderer;

/**
 * The app's window: the paired extensions (with Revoke), the key vault's state (Lock, Unlock), and
 * what happened on the bridge. Every method runs on Swing's event thread; {@link #activity} may be
 * called from any thread and hops there itself.
 */
final class MainWindow extends JFrame {
    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm")
            .withZone(ZoneId.systemDefault());
    private static final int MAX_ACTIVITY = 500;

    private final PairingsModel pairings = new PairingsModel();
    private final JTable table = new JTable(pairings);
    private final DefaultListModel<String> activity = new DefaultListModel<>();
    private final JLabel vaultState = new JLabel();
    private final JButton lock = new JButton("Lock");
    private final JButton unlock = new JButton("Unlock\u2026");
    private final JButton revoke = new JButton("Revoke");
    private final JLabel status = new JLabel(" ");
    private DesktopBridge bridge;
    private VaultSignIn signIn;

    MainWindow(AppIdentity identity) {
        super(identity.displayName());
        setName("main-window");
        lock.setName("lock");
        unlock.setName("unlock");
        revoke.setName("revoke");
        table.setName("pairings");
        vaultState.setName("vault-state");

        JPanel vault = new JPanel(new FlowLayout(FlowLayout.LEFT));
        vault.setBorder(BorderFactory.createTitledBorder("Key vault"));
        vaultState.setFont(vaultState.getFont().deriveFont(Font.BOLD, 14f));
        vault.add(vaultState);
        vault.add(unlock);
        vault.add(lock);
        lock.addActionListener(e -> signIn.lock());
        unlock.addActionListener(e -> askPasswordAndUnlock());

        table.setSelectionMode(ListSelectionModel.SINGLE_SELECTION);
        table.setDefaultRenderer(Object.class, new PlainTextRenderer());
        table.setFillsViewportHeight(true);
        table.getColumnModel().getColumn(1).setPreferredWidth(300);
        revoke.setEnabled(false);
        table.getSelectionModel().addListSelectionListener(e -> revoke.setEnabled(table.getSelectedRow() >= 0));
        revoke.addActionListener(e -> revokeSelected());
        JPanel paired = new JPanel(new BorderLayout());
        paired.setBorder(BorderFactory.createTitledBorder("Paired extensions"));
        paired.add(new JScrollPane(table), BorderLayout.CENTER);
        JPanel pairedButtons = new JPanel(new FlowLayout(FlowLayout.RIGHT));
        pairedButtons.add(revoke);
        paired.add(pairedButtons, BorderLayout.SOUTH);

        JList<String> activityList = new JList<>(activity);
        activityList.setName("activity");
        activityList.setFont(new Font(Font.MONOSPACED, Font.PLAIN, 12));
        activityList.setCellRenderer(new PlainListRenderer());
        JPanel activityPanel = new JPanel(new BorderLayout());
        activityPanel.setBorder(BorderFactory.createTitledBorder("Activity"));
        activityPanel.add(new JScrollPane(activityList), BorderLayout.CENTER);

        JSplitPane split = new JSplitPane(JSplitPane.VERTICAL_SPLIT, paired, activityPanel);
        split.setResizeWeight(0.45);
        status.setBorder(BorderFactory.createEmptyBorder(4, 8, 4, 8));
        getContentPane().add(vault, BorderLayout.NORTH);
        getContentPane().add(split, BorderLayout.CENTER);
        getContentPane().add(status, BorderLayout.SOUTH);
        setPreferredSize(new Dimension(900, 560));
        pack();
        setLocationByPlatform(true);
        showVault(true);
    }

    /** Connects the window to the running bridge. */
    void attach(DesktopBridge b, VaultSignIn vaultSignIn) {
        this.bridge = b;
        this.signIn = vaultSignIn;
        b.keyVault().addListener(lockedNow -> SwingUtilities.invokeLater(() -> showVault(lockedNow)));
        showVault(b.keyVault().isLocked());
        refresh();
    }

    /** Adds a line to the activity list and refreshes what it may have changed. Any thread. */
    void activity(BridgeActivity a) {
        String line = ActivityText.of(a);
        SwingUtilities.invokeLater(() -> {
            activity.addElement(line);
            while (activity.size() > MAX_ACTIVITY) {
                activity.remove(0);
            }
            if (a.kind() != BridgeActivity.Kind.CALL) {
                refresh();
            }
        });
    }

    void refresh() {
        if (bridge == null || bridge.state() != DesktopBridge.State.STARTED) {
            return;
        }
        pairings.set(bridge.pairings().list());
        status.setText("Listening on " + bridge.socketPath() + "   \u00b7   " + bridge.connectionCount() + " connected");
    }

    private void showVault(boolean locked) {
        vaultState.setText(locked ? "\u25cf Locked" : "\u25cf Unlocked");
        vaultState.setForeground(locked ? new Color(0xB0, 0x30, 0x30) : new Color(0x20, 0x80, 0x30));
        lock.setEnabled(!locked);
        unlock.setEnabled(locked);
    }

    private void askPasswordAndUnlock() {
        JPasswordField password = new JPasswordField(20);
        int choice = JOptionPane.showConfirmDialog(this, new Object[] {"Your Sample Notes password:", password},
                "Unlock Sample Notes", JOptionPane.OK_CANCEL_OPTION, JOptionPane.PLAIN_MESSAGE);
        if (choice != JOptionPane.OK_OPTION) {
            return;
        }
        try {
            signIn.unlock(password.getPassword());
        } catch (IllegalArgumentException | IOException e) {
            JOptionPane.showMessageDialog(this, e.getMessage(), "Not unlocked", JOptionPane.WARNING_MESSAGE);
        }
    }

    private void revokeSelected() {
        int row = table.getSelectedRow();
        if (row < 0) {
            return;
        }
        bridge.pairings().revoke(pairings.at(row).id());
        refresh();
    }

    /** The pairings table; cells are plain text (an extension's name is its own claim, never markup). */
    private static final class PairingsModel extends AbstractTableModel {
        private static final String[] COLUMNS = {"Extension", "Caller id", "Key fingerprint", "Paired", "Last seen"};
        private List<PairedExtension> rows = new ArrayList<>();

        void set(List<PairedExtension> list) {
            rows = new ArrayList<>(list);
            fireTableDataChanged();
        }

        PairedExtension at(int row) {
            return rows.get(row);
        }

        @Override
        public int getRowCount() {
            return rows.size();
        }

        @Override
        public int getColumnCount() {
            return COLUMNS.length;
        }

        @Override
        public String getColumnName(int column) {
            return COLUMNS[column];
        }

        @Override
        public Object getValueAt(int row, int column) {
            PairedExtension p = rows.get(row);
            return switch (column) {
                case 0 -> p.name();
                case 1 -> p.callerId();
                case 2 -> shortFingerprint(p.keyFingerprint());
                case 3 -> WHEN.format(p.paired());
                default -> p.lastSeen().map(WHEN::format).orElse("not since pairing");
            };
        }
    }

    /** The first 16 hex digits in groups of four: enough to compare with what the extension shows. */
    static String shortFingerprint(String hex) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < Math.min(16, hex.length()); i += 4) {
            b.append(hex, i, Math.min(i + 4, hex.length())).append(' ');
        }
        return b.append('\u2026').toString();
    }

    private static final class PlainTextRenderer extends DefaultTableCellRenderer {
        PlainTextRenderer() {
            putClientProperty("html.disable", Boolean.TRUE);
        }
    }

    private static final class PlainListRenderer extends javax.swing.DefaultListCellRenderer {
        @Override
        public Component getListCellRendererComponent(JList<?> list, Object value, int index, boolean selected,
                boolean focused) {
            putClientProperty("html.disable", Boolean.TRUE);
            return super.getListCellRendererComponent(list, value, index, selected, focused);
        }
    }

    // For the UI tests (same package): the real components they click and read.
    JButton lockButton() {
        return lock;
    }

    JButton revokeButton() {
        return revoke;
    }

    JTable pairingsTable() {
        return table;
    }

    String vaultStateText() {
        return vaultState.getText();
    }

    List<String> activityLines() {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < activity.size(); i++) {
            out.add(activity.get(i));
        }
        return out;
    }

    static String when(Instant i) {
        return WHEN.format(i);
    }
}
