package dev.bridgekeeper.agent.internal.secure;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A store file exists but cannot be trusted. It is never overwritten automatically: the user
 * decides (restore it, or move it aside to start over), so no pairing is lost silently.
 */
public final class CorruptStoreException extends IOException {
    private static final long serialVersionUID = 1L;

    private final Path path;
    private final String reason;

    public CorruptStoreException(Path path, String why) {
        super(path + " is damaged (" + why + "). It was left untouched. Restore it from a backup, or move it "
                + "aside to start without it (pairings would then have to be made again).");
        this.path = path;
        this.reason = why;
    }

    /** Why the file cannot be trusted, without the advice. */
    public String reason() {
        return reason;
    }

    public Path path() {
        return path;
    }
}
