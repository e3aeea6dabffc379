package com.example.desktopapp;

import java.awt.AWTException;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.MenuItem;
import java.awt.PopupMenu;
import java.awt.RenderingHints;
import java.awt.SystemTray;
import java.awt.TrayIcon;
import java.awt.image.BufferedImage;
import javax.swing.JFrame;
import javax.swing.WindowConstants;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tray icon where the desktop offers one: closing the window hides it (the bridge keeps
 * serving), the icon's menu shows it, locks, or quits, and a pairing request also raises a tray
 * notice. Where there is no tray (many Linux desktops, and a bare X server), the window is the app:
 * it stays open, and closing it quits. Said once in the log.
 */
final class TrayIntegration {
    private static final Logger log = LoggerFactory.getLogger(TrayIntegration.class);
    private final TrayIcon icon;

    private TrayIntegration(TrayIcon icon) {
        this.icon = icon;
    }

    /** Sets up the tray (or the no-tray fallback) for {@code window}. */
    static TrayIntegration install(JFrame window, AppIdentity identity, Runnable lock, Runnable quit) {
        if (!SystemTray.isSupported()) {
            log.info("this desktop has no system tray: the window stays open, and closing it quits {}",
                    identity.displayName());
            window.setDefaultCloseOperation(WindowConstants.DO_NOTHING_ON_CLOSE);
            window.addWindowListener(new java.awt.event.WindowAdapter() {
                @Override
                public void windowClosing(java.awt.event.WindowEvent e) {
                    quit.run();
                }
            });
            return new TrayIntegration(null);
        }
        PopupMenu menu = new PopupMenu();
        MenuItem show = new MenuItem("Show " + identity.displayName());
        show.addActionListener(e -> bringToFront(window));
        MenuItem lockItem = new MenuItem("Lock");
        lockItem.addActionListener(e -> lock.run());
        MenuItem quitItem = new MenuItem("Quit");
        quitItem.addActionListener(e -> quit.run());
        menu.add(show);
        menu.add(lockItem);
        menu.addSeparator();
        menu.add(quitItem);
        TrayIcon icon = new TrayIcon(drawIcon(), identity.displayName(), menu);
        icon.setImageAutoSize(true);
        icon.addActionListener(e -> bringToFront(window));
        try {
            SystemTray.getSystemTray().add(icon);
        } catch (AWTException e) {
            log.info("the system tray refused the icon ({}): the window stays open instead", e.getMessage());
            window.setDefaultCloseOperation(WindowConstants.DO_NOTHING_ON_CLOSE);
            return new TrayIntegration(null);
        }
        window.setDefaultCloseOperation(WindowConstants.HIDE_ON_CLOSE);
        return new TrayIntegration(icon);
    }

    /** A notice next to the tray (the dialog itself is already in front); nothing without a tray. */
    void notice(String caption, String text) {
        if (icon != null) {
            icon.displayMessage(caption, text, TrayIcon.MessageType.INFO);
        }
    }

    boolean hasTray() {
        return icon != null;
    }

    void remove() {
        if (icon != null) {
            SystemTray.getSystemTray().remove(icon);
        }
    }

    private static void bringToFront(JFrame window) {
        window.setVisible(true);
        window.setExtendedState(JFrame.NORMAL);
        window.toFront();
    }

    /** A small key-shaped badge, drawn so the sample ships no image files. */
    static BufferedImage drawIcon() {
        BufferedImage img = new BufferedImage(32, 32, BufferedImage.TYPE_INT_ARGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(new Color(0x2B, 0x5C, 0xA8));
        g.fillRoundRect(0, 0, 32, 32, 8, 8);
        g.setColor(Color.WHITE);
        g.fillOval(5, 9, 14, 14);
        g.fillRect(16, 14, 12, 4);
        g.fillRect(24, 18, 3, 5);
        g.setColor(new Color(0x2B, 0x5C, 0xA8));
        g.fillOval(9, 13, 6, 6);
        g.dispose();
        return img;
    }
}
