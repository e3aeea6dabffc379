package dev.bridgekeeper.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CallerIdTest {
    static final String ORIGIN = "chrome-extension://ehcmijlhbioomifbjmghlpklegfgldmf/";

    @Test
    void chromiumOnLinuxAndMac() {
        CallerId c = CallerId.parse(new String[] {ORIGIN});
        assertEquals("chromium", c.browser());
        assertEquals(ORIGIN, c.id());
        assertEquals(-1, c.parentWindow());
    }

    @Test
    void chromiumOnWindowsCarriesTheParentWindow() {
        assertEquals(1234567, CallerId.parse(new String[] {ORIGIN, "--parent-window=1234567"}).parentWindow());
        assertEquals(0, CallerId.parse(new String[] {ORIGIN, "--parent-window=0"}).parentWindow());
    }

    @Test
    void chromiumReconnectFlagsAreAcceptedAndIgnored() {
        CallerId c = CallerId.parse(new String[] {ORIGIN, "--reconnect-command=WyJhIl0=",
                "--native-messaging-connect-id=abc-1"});
        assertEquals(ORIGIN, c.id());
    }

    @Test
    void firefoxGivesManifestPathThenAddonId() {
        CallerId c = CallerId.parse(new String[] {"/home/u/.mozilla/native-messaging-hosts/dev.bridgekeeper.host.json",
                "bridgekeeper-sample@bridgekeeper.dev"});
        assertEquals("firefox", c.browser());
        assertEquals("moz-extension:bridgekeeper-sample@bridgekeeper.dev", c.id());
        CallerId guid = CallerId.parse(new String[] {"C:\\Program Files\\B K\\dev.bridgekeeper.host.json",
                "{1b3c5e7a-0000-4abc-9def-0123456789ab}"});
        assertEquals("moz-extension:{1b3c5e7a-0000-4abc-9def-0123456789ab}", guid.id());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "chrome-extension://ehcmijlhbioomifbjmghlpklegfgldmf",          // no trailing slash
        "chrome-extension://EHCMIJLHBIOOMIFBJMGHLPKLEGFGLDMF/",         // uppercase
        "chrome-extension://ehcmijlhbioomifbjmghlpklegfgldmz/",         // letter outside a-p
        "chrome-extension://ehcmijlhbioomifbjmghlpklegfgldm/",          // 31 letters
        "chrome-extension://ehcmijlhbioomifbjmghlpklegfgldmf/../x",
        "chrome-extension://ehcmijlhbioomifbjmghlpklegfgldmf/\n",
        "https://evil.example/",
        "",
        "--parent-window=1",
    })
    void hostileSingleArgumentsAreRefused(String arg) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CallerId.parse(new String[] {arg}));
        assertFalse(e.getMessage().contains("\n"), "message stays on one line");
    }

    @Test
    void unknownOrRepeatedChromiumFlagsAreRefused() {
        assertThrows(IllegalArgumentException.class,
                () -> CallerId.parse(new String[] {ORIGIN, "--load-extension=/tmp/x"}));
        assertThrows(IllegalArgumentException.class,
                () -> CallerId.parse(new String[] {ORIGIN, "--parent-window=1", "--parent-window=2"}));
        assertThrows(IllegalArgumentException.class,
                () -> CallerId.parse(new String[] {ORIGIN, "--parent-window=-5"}));
        assertThrows(IllegalArgumentException.class,
                () -> CallerId.parse(new String[] {ORIGIN, "--parent-window=99999999999999999999999"}));
    }

    @Test
    void noArgumentsIsRefused() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> CallerId.parse(new String[0]))
                .getMessage().contains("no caller"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "not an id", "noatsign", "evil\"@x.y", "x@y.z\u0000", "{1234}", "a@", "a+b@x.y",
        "a@b/../c", "x@y.z\n"})
    void hostileFirefoxAddonIdsAreRefused(String addon) {
        assertThrows(IllegalArgumentException.class,
                () -> CallerId.parse(new String[] {"/m/dev.bridgekeeper.host.json", addon}));
    }

    @Test
    void firefoxIdsFollowFirefoxsOwnRule() {
        assertEquals("moz-extension:a@b", CallerId.parse(new String[] {"/m/x.json", "a@b"}).id());
        assertEquals("moz-extension:@b", CallerId.parse(new String[] {"/m/x.json", "@b"}).id());
        assertThrows(IllegalArgumentException.class,
                () -> CallerId.parse(new String[] {"/m/x.json", "a".repeat(300) + "@b.c"}));
    }

    @Test
    void firefoxNeedsAnAbsoluteJsonManifestPath() {
        assertThrows(IllegalArgumentException.class,
                () -> CallerId.parse(new String[] {"relative/host.json", "a@b.c"}));
        assertThrows(IllegalArgumentException.class,
                () -> CallerId.parse(new String[] {"/etc/passwd", "a@b.c"}));
        assertThrows(IllegalArgumentException.class,
                () -> CallerId.parse(new String[] {"/m/host.json", "a@b.c", "extra"}));
    }

    @Test
    void controlCharactersNeverReachTheMessage() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CallerId.parse(new String[] {"\u001b[31mred"}));
        assertFalse(e.getMessage().contains("\u001b"));
    }
}
