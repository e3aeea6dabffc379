package com.example.desktopapp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bridgekeeper.agent.BridgeActivity;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The command line and the activity lines: no display needed. */
class AppOptionsTest {

    @Test
    void defaultsAllowTheSampleExtensionAndUseTheAppsOwnDataFolder() {
        AppOptions o = AppOptions.parse(new String[0], AppIdentity.SAMPLE_NOTES);
        assertNull(o.socket());
        assertEquals(List.of(AppOptions.SAMPLE_CHROMIUM, AppOptions.SAMPLE_FIREFOX), o.allowed());
        assertTrue(o.dataDir().toString().contains("Sample Notes") || o.dataDir().toString().contains("sample_notes"),
                o.dataDir().toString());
    }

    @Test
    void optionsAreReadAndMistakesNamed() {
        AppOptions o = AppOptions.parse(new String[] {"--socket", "/tmp/s", "--data-dir", "/tmp/d", "--allow",
                "moz-extension:x@y"}, AppIdentity.SAMPLE_NOTES);
        assertEquals(Path.of("/tmp/s"), o.socket());
        assertEquals(Path.of("/tmp/d"), o.dataDir());
        assertEquals(List.of("moz-extension:x@y"), o.allowed());
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> AppOptions.parse(new String[] {"--sokcet", "x"}, AppIdentity.SAMPLE_NOTES)).getMessage()
                .contains("'--sokcet'"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> AppOptions.parse(new String[] {"--allow"}, AppIdentity.SAMPLE_NOTES)).getMessage()
                .contains("--allow needs a value"));
    }

    @Test
    void activityLinesNameTheCallAndItsOutcome() {
        String line = ActivityText.of(new BridgeActivity(Instant.EPOCH, BridgeActivity.Kind.CALL, "c3",
                AppOptions.SAMPLE_CHROMIUM, "notes.count", "method_not_found"));
        assertTrue(line.endsWith("  c3  notes.count \u2192 method_not_found"), line);
    }
}
