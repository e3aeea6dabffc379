package dev.bridgekeeper.agent.internal.registration;

import java.util.regex.Pattern;

/** Syntax of the extension ids that manifests allow, shared by option parsing and manifest checks. */
public final class ExtensionIds {
    private ExtensionIds() {}

    /** The sample extension's Chromium id. */
    public static final String DEFAULT_CHROME_ID = "ehcmijlhbioomifbjmghlpklegfgldmf";
    /** The sample extension's Firefox add-on id. */
    public static final String DEFAULT_FIREFOX_ID = "bridgekeeper-sample@bridgekeeper.dev";

    /** Chromium ids are 32 letters a-p (a hash written in base 16 with the letters a-p). */
    private static final Pattern CHROME_ID = Pattern.compile("[a-p]{32}");
    /** What Chromium accepts in allowed_origins: exactly one extension origin, trailing slash, no wildcard. */
    private static final Pattern CHROME_ORIGIN = Pattern.compile("chrome-extension://[a-p]{32}/");
    /** Firefox add-on ids: email-like or a GUID in braces. */
    private static final Pattern FIREFOX_ID =
            Pattern.compile("[A-Za-z0-9._+-]+@[A-Za-z0-9._-]+|\\{[0-9A-Fa-f-]{36}\\}");

    public static boolean isChromeId(String id) {
        return CHROME_ID.matcher(id).matches();
    }

    public static boolean isChromeOrigin(String origin) {
        return CHROME_ORIGIN.matcher(origin).matches();
    }

    public static boolean isFirefoxId(String id) {
        return FIREFOX_ID.matcher(id).matches();
    }

    public static String origin(String chromeId) {
        return "chrome-extension://" + chromeId + "/";
    }
}
