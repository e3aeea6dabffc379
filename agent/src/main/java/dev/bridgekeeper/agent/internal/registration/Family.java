package dev.bridgekeeper.agent.internal.registration;

/** Browser families: they differ in the manifest's allow-list field and in the host's argv. */
public enum Family {
    /** Chrome, Chromium, Edge, Brave, Vivaldi, Opera, Arc: {@code allowed_origins}. */
    CHROMIUM("allowed_origins"),
    /** Firefox and its forks: {@code allowed_extensions}. */
    FIREFOX("allowed_extensions");

    private final String allowListField;

    Family(String allowListField) {
        this.allowListField = allowListField;
    }

    /** The manifest field that lists the extensions allowed to start the host. */
    public String allowListField() {
        return allowListField;
    }
}
