package dev.bridgekeeper.agent.internal.keystore;

import com.sun.jna.Function;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;
import dev.bridgekeeper.agent.SecretStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The freedesktop Secret Service (gnome-keyring, KeePassXC, KWallet's bridge) through libsecret
 * ({@code libsecret-1.so.0}), called with JNA. Each secret is one item of the default collection
 * with the attributes {@code application=dev.bridgekeeper} and {@code key=<key>}; its value is
 * the secret in base64 (libsecret's simple API stores text).
 *
 * <p>Calls go over the user's D-Bus session bus. Without one (a headless login, a cron job) the
 * store says it is unavailable instead of letting libsecret try to start one.
 */
public final class SecretServiceStore implements SecretStore {
    static final String SCHEMA = "dev.bridgekeeper.Secret";
    static final String APPLICATION = "dev.bridgekeeper";
    /** How long the availability probe may take: a keyring asking the user to unlock counts as unavailable. */
    static final long PROBE_SECONDS = 5;

    interface LibSecret extends Library {
        Pointer secret_schema_newv(String name, int flags, Pointer attributeNamesAndTypes);

        boolean secret_password_storev_sync(Pointer schema, Pointer attributes, String collection, String label,
                String password, Pointer cancellable, PointerByReference error);

        Pointer secret_password_lookupv_sync(Pointer schema, Pointer attributes, Pointer cancellable,
                PointerByReference error);

        boolean secret_password_clearv_sync(Pointer schema, Pointer attributes, Pointer cancellable,
                PointerByReference error);

        void secret_password_free(Pointer password);
    }

    interface GLib extends Library {
        Pointer g_hash_table_new_full(Pointer hashFunc, Pointer equalFunc, Pointer keyDestroy, Pointer valueDestroy);

        boolean g_hash_table_insert(Pointer table, Pointer key, Pointer value);

        void g_hash_table_unref(Pointer table);

        Pointer g_strdup(String s);

        void g_error_free(Pointer error);
    }

    /** SECRET_SCHEMA_NONE: items are matched by attributes only, so other tools can read them too. */
    private static final int SCHEMA_FLAGS_NONE = 0;
    /** SECRET_COLLECTION_DEFAULT. */
    private static final String DEFAULT_COLLECTION = "default";

    private volatile Native_ natives;

    @Override
    public String name() {
        return "Secret Service";
    }

    @Override
    public Optional<String> unavailableReason() {
        String bus = System.getenv("DBUS_SESSION_BUS_ADDRESS");
        String runtime = System.getenv("XDG_RUNTIME_DIR");
        if ((bus == null || bus.isBlank()) && (runtime == null || !Files.exists(Path.of(runtime, "bus")))) {
            return Optional.of("no D-Bus session bus (DBUS_SESSION_BUS_ADDRESS is not set)");
        }
        // A read of a key nobody writes tells whether a Secret Service answers and its default
        // collection is usable without a prompt. Bounded: a keyring waiting for a password
        // prompt that no one will see must not hold up the start.
        CompletableFuture<Optional<String>> probe = CompletableFuture.supplyAsync(() -> {
            try {
                read("availability-probe");
                return Optional.empty();
            } catch (IOException | RuntimeException | LinkageError e) {
                return Optional.of(e.getMessage() == null ? e.toString() : e.getMessage());
            }
        }, r -> {
            Thread t = new Thread(r, "bridgekeeper-secret-service-probe");
            t.setDaemon(true);
            t.start();
        });
        try {
            return probe.get(PROBE_SECONDS, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            return Optional.of("the Secret Service did not answer within " + PROBE_SECONDS + " s (locked, waiting for a prompt?)");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of("interrupted while asking the Secret Service");
        } catch (ExecutionException e) {
            return Optional.of(String.valueOf(e.getCause()));
        }
    }

    @Override
    public Optional<byte[]> read(String key) throws IOException {
        Native_ n = natives();
        Pointer attrs = n.attributes(key);
        PointerByReference error = new PointerByReference();
        try {
            Pointer found = n.secret.secret_password_lookupv_sync(n.schema, attrs, null, error);
            n.check(error, "read a secret");
            if (found == null) {
                return Optional.empty();
            }
            try {
                byte[] text = found.getByteArray(0, length(found));
                try {
                    return Optional.of(Base64.getDecoder().decode(text));
                } catch (IllegalArgumentException e) {
                    throw new IOException("the Secret Service item '" + key + "' is not one this agent wrote");
                } finally {
                    java.util.Arrays.fill(text, (byte) 0);
                }
            } finally {
                n.secret.secret_password_free(found); // Zeroes the text before freeing it.
            }
        } finally {
            n.glib.g_hash_table_unref(attrs);
        }
    }

    @Override
    public void write(String key, byte[] secret) throws IOException {
        Native_ n = natives();
        Pointer attrs = n.attributes(key);
        PointerByReference error = new PointerByReference();
        try {
            // A Java String cannot be zeroed; base64 text of a 32-byte key is what libsecret's text API takes.
            String text = Base64.getEncoder().encodeToString(secret);
            boolean ok = n.secret.secret_password_storev_sync(n.schema, attrs, DEFAULT_COLLECTION,
                    "Bridgekeeper " + label(key), text, null, error);
            n.check(error, "store a secret");
            if (!ok) {
                throw new IOException("the Secret Service did not store the secret");
            }
        } finally {
            n.glib.g_hash_table_unref(attrs);
        }
    }

    @Override
    public boolean delete(String key) throws IOException {
        Native_ n = natives();
        Pointer attrs = n.attributes(key);
        PointerByReference error = new PointerByReference();
        try {
            boolean removed = n.secret.secret_password_clearv_sync(n.schema, attrs, null, error);
            n.check(error, "remove a secret");
            return removed;
        } finally {
            n.glib.g_hash_table_unref(attrs);
        }
    }

    /** The last part of a key (after '#'), for the item's label the user sees in a keyring manager. */
    static String label(String key) {
        int hash = key.lastIndexOf('#');
        return hash < 0 ? key : key.substring(hash + 1) + " (" + key.substring(0, hash) + ")";
    }

    private static int length(Pointer cString) {
        int i = 0;
        while (cString.getByte(i) != 0) {
            i++;
        }
        return i;
    }

    private Native_ natives() throws IOException {
        Native_ n = natives;
        if (n == null) {
            synchronized (this) {
                if (natives == null) {
                    try {
                        natives = new Native_();
                    } catch (UnsatisfiedLinkError e) {
                        throw new IOException("libsecret-1.so.0 is not installed (apt install libsecret-1-0)", e);
                    }
                }
                n = natives;
            }
        }
        return n;
    }

    /** The loaded libraries and the schema; built once. */
    private static final class Native_ {
        final LibSecret secret = Native.load("libsecret-1.so.0", LibSecret.class);
        final GLib glib = Native.load("glib-2.0", GLib.class);
        final Function strHash;
        final Function strEqual;
        final Function free;
        final Pointer schema;

        Native_() {
            NativeLibrary g = NativeLibrary.getInstance("glib-2.0");
            strHash = g.getFunction("g_str_hash");
            strEqual = g.getFunction("g_str_equal");
            free = g.getFunction("g_free");
            // name -> SECRET_SCHEMA_ATTRIBUTE_STRING (0, stored as a NULL value).
            Pointer types = table();
            glib.g_hash_table_insert(types, glib.g_strdup("application"), null);
            glib.g_hash_table_insert(types, glib.g_strdup("key"), null);
            schema = secret.secret_schema_newv(SCHEMA, SCHEMA_FLAGS_NONE, types);
            glib.g_hash_table_unref(types); // The schema copied what it needs.
        }

        Pointer attributes(String key) {
            Pointer t = table();
            glib.g_hash_table_insert(t, glib.g_strdup("application"), glib.g_strdup(APPLICATION));
            glib.g_hash_table_insert(t, glib.g_strdup("key"), glib.g_strdup(key));
            return t;
        }

        /** A string-keyed table that frees its keys and values with it. */
        private Pointer table() {
            return glib.g_hash_table_new_full(strHash, strEqual, free, free);
        }

        /** Turns a GError into an IOException (and frees it). Offsets: {@code GQuark domain; gint code; gchar *message}. */
        void check(PointerByReference error, String what) throws IOException {
            Pointer e = error.getValue();
            if (e == null) {
                return;
            }
            String message = e.getPointer(8) == null ? "unknown error" : e.getPointer(8).getString(0, StandardCharsets.UTF_8.name());
            glib.g_error_free(e);
            throw new IOException("the Secret Service could not " + what + ": " + message);
        }
    }
}
