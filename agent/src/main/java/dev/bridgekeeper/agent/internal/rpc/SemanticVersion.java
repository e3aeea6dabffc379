package dev.bridgekeeper.agent.internal.rpc;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A channel version {@code MAJOR.MINOR.PATCH} (plain numbers, no pre-release tags).
 */
public record SemanticVersion(int major, int minor, int patch) implements Comparable<SemanticVersion> {

    private static final Pattern FORM = Pattern.compile("(0|[1-9]\\d{0,8})\\.(0|[1-9]\\d{0,8})\\.(0|[1-9]\\d{0,8})");

    public SemanticVersion {
        if (major < 0 || minor < 0 || patch < 0) {
            throw new IllegalArgumentException("version numbers must not be negative");
        }
    }

    /**
     * Parses {@code MAJOR.MINOR.PATCH}.
     *
     * @throws IllegalArgumentException if the text is not of that form
     */
    public static SemanticVersion parse(String text) {
        Matcher m = text == null ? null : FORM.matcher(text);
        if (m == null || !m.matches()) {
            throw new IllegalArgumentException("not a MAJOR.MINOR.PATCH version");
        }
        return new SemanticVersion(
                Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)));
    }

    /**
     * True when a peer offering this version serves a caller built against {@code required}: same
     * major, and a minor at least as high. Patch levels do not change the interface.
     */
    public boolean satisfies(SemanticVersion required) {
        return major == required.major && minor >= required.minor;
    }

    @Override
    public int compareTo(SemanticVersion o) {
        if (major != o.major) {
            return Integer.compare(major, o.major);
        }
        if (minor != o.minor) {
            return Integer.compare(minor, o.minor);
        }
        return Integer.compare(patch, o.patch);
    }

    @Override
    public String toString() {
        return major + "." + minor + "." + patch;
    }
}
