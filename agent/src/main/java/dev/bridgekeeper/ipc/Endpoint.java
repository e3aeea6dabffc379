package dev.bridgekeeper.ipc;

import java.util.Objects;

/**
 * Where a message goes or where it came from, seen from this side.
 *
 * <p>{@link #desktop()} is the one peer of an extension-side (initiator) client; {@link
 * #connection(String)} is one extension connection seen from the desktop; {@link #all()} means every
 * ready connection and is valid only as a destination.
 */
public sealed interface Endpoint permits Endpoint.Desktop, Endpoint.Connection, Endpoint.All {

    /** The desktop, as seen from the extension side. */
    static Endpoint desktop() {
        return Desktop.INSTANCE;
    }

    /** One connection, as seen from the desktop side. */
    static Endpoint connection(String id) {
        return new Connection(id);
    }

    /** Every ready connection (destination only). */
    static Endpoint all() {
        return All.INSTANCE;
    }

    /** The desktop peer of an initiator. */
    record Desktop() implements Endpoint {
        static final Desktop INSTANCE = new Desktop();

        @Override
        public String toString() {
            return "desktop";
        }
    }

    /**
     * One connection of a responder, named by the id its backend gave it.
     *
     * @param id 1 to 128 characters from {@code [A-Za-z0-9._:-]}
     */
    record Connection(String id) implements Endpoint {
        public Connection {
            requireValidConnectionId(id);
        }

        @Override
        public String toString() {
            return "connection " + id;
        }
    }

    /** Every ready connection; a destination for publish/emit only. */
    record All() implements Endpoint {
        static final All INSTANCE = new All();

        @Override
        public String toString() {
            return "all connections";
        }
    }

    /** Checks a backend's connection id; ids end up in logs, so they are kept short and plain. */
    static String requireValidConnectionId(String id) {
        Objects.requireNonNull(id, "connection id");
        if (id.isEmpty() || id.length() > 128) {
            throw new IllegalArgumentException("connection id must have 1 to 128 characters");
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '.' || c == '_' || c == ':' || c == '-';
            if (!ok) {
                throw new IllegalArgumentException("connection id may only contain [A-Za-z0-9._:-]");
            }
        }
        return id;
    }
}
