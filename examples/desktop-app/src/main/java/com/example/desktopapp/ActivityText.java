package com.example.desktopapp;

import dev.bridgekeeper.agent.BridgeActivity;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/** One line of the activity list for a {@link BridgeActivity}: names and outcomes, nothing more. */
final class ActivityText {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneId.systemDefault());

    private ActivityText() {}

    static String of(BridgeActivity a) {
        String what = switch (a.kind()) {
            case CONNECTED -> "connected: " + a.callerId();
            case PAIRING_REQUESTED -> "pairing requested by \u201c" + a.subject() + "\u201d";
            case PAIRING_ANSWERED -> "pairing " + a.outcome() + " for \u201c" + a.subject() + "\u201d";
            case READY -> "session ready with \u201c" + a.subject() + "\u201d";
            case CALL -> a.subject() + " \u2192 " + a.outcome();
            case DISCONNECTED -> "disconnected";
        };
        return TIME.format(a.at()) + "  " + a.connectionId() + "  " + what;
    }
}
