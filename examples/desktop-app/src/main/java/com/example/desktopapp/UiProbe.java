package com.example.desktopapp;

import java.awt.Component;
import java.awt.Point;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import javax.swing.SwingUtilities;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A hook for tests that click the real buttons from outside this process (the browser e2e, with
 * {@code xdotool}): when the system property {@code sample.notes.uiProbe} names a file, each
 * approval dialog that opens appends one line there with its code and the centres of its Approve
 * and Reject buttons, relative to the dialog's window: the X server may not have moved a window
 * just opened to its place yet, so a screen position read then can be stale (it was, under Xvfb,
 * now and then). Off unless that property is set; it writes no secret (the code is on screen and
 * in the browser anyway).
 */
final class UiProbe {
    private static final Logger log = LoggerFactory.getLogger(UiProbe.class);
    static final String PROPERTY = "sample.notes.uiProbe";

    private UiProbe() {}

    static void dialogShown(ApprovalDialog d) {
        String file = System.getProperty(PROPERTY);
        if (file == null || file.isBlank()) {
            return;
        }
        Point a = centreInWindow(d.approveButton());
        Point r = centreInWindow(d.rejectButton());
        String line = String.format("{\"title\":\"%s\",\"code\":\"%s\",\"approve\":[%d,%d],\"reject\":[%d,%d]}%n",
                d.getTitle(), d.request().code(), a.x, a.y, r.x, r.y);
        try {
            Files.writeString(Path.of(file), line, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            log.warn("ui probe file {}: {}", file, e.toString());
        }
    }

    /** The centre of {@code c}, relative to the top-left corner of its window. */
    static Point centreInWindow(Component c) {
        return SwingUtilities.convertPoint(c, c.getWidth() / 2, c.getHeight() / 2,
                SwingUtilities.getWindowAncestor(c));
    }

    /** The centre of {@code c} on the screen (for a robot in this process, once the window is placed). */
    static Point centre(Component c) {
        Point p = c.getLocationOnScreen();
        return new Point(p.x + c.getWidth() / 2, p.y + c.getHeight() / 2);
    }
}
