package dev.bridgekeeper.biometrics.internal.polkit;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;
import java.nio.charset.StandardCharsets;

/**
 * {@link PolkitPort} through JNA: libpolkit-gobject-1, libgobject-2.0, libglib-2.0 and libgio-2.0.
 * Only {@link #load()} touches native code; call it on Linux only (the authenticator does).
 */
public final class JnaPolkitPort implements PolkitPort {

    /** libpolkit-gobject-1 (gboolean is a C int, which JNA's boolean matches). */
    interface Polkit extends Library {
        Pointer polkit_authority_get_sync(Pointer cancellable, PointerByReference error);

        Pointer polkit_authority_get_owner(Pointer authority);

        Pointer polkit_authority_enumerate_actions_sync(Pointer authority, Pointer cancellable, PointerByReference error);

        String polkit_action_description_get_action_id(Pointer description);

        Pointer polkit_unix_process_new_for_owner(int pid, long startTime, int uid);

        Pointer polkit_authority_check_authorization_sync(Pointer authority, Pointer subject, String actionId,
                Pointer details, int flags, Pointer cancellable, PointerByReference error);

        boolean polkit_authorization_result_get_is_authorized(Pointer result);

        boolean polkit_authorization_result_get_is_challenge(Pointer result);

        boolean polkit_authorization_result_get_dismissed(Pointer result);
    }

    interface GObject extends Library {
        void g_object_unref(Pointer object);
    }

    interface GLib extends Library {
        void g_error_free(Pointer error);

        void g_free(Pointer memory);

        void g_list_free(Pointer list);

        String g_quark_to_string(int quark);

        /** Used by tests to make a real GError. */
        Pointer g_error_new_literal(int domain, int code, String message);

        int g_quark_from_string(String string);
    }

    interface Gio extends Library {
        Pointer g_cancellable_new();

        void g_cancellable_cancel(Pointer cancellable);

        boolean g_cancellable_is_cancelled(Pointer cancellable);
    }

    /** Offsets in {@code struct GError { GQuark domain; gint code; gchar *message; }}: 0, 4, 8 on every ABI we run on. */
    private static final int GERROR_CODE = 4;
    private static final int GERROR_MESSAGE = 8;

    final Polkit polkit;
    final GObject gobject;
    final GLib glib;
    final Gio gio;

    private JnaPolkitPort(Polkit polkit, GObject gobject, GLib glib, Gio gio) {
        this.polkit = polkit;
        this.gobject = gobject;
        this.glib = glib;
        this.gio = gio;
    }

    /** Loads the four libraries; throws {@link UnsatisfiedLinkError} if one is missing. */
    public static JnaPolkitPort load() {
        GLib glib = Native.load("glib-2.0", GLib.class);
        GObject gobject = Native.load("gobject-2.0", GObject.class);
        Gio gio = Native.load("gio-2.0", Gio.class);
        Polkit polkit = Native.load("polkit-gobject-1", Polkit.class);
        return new JnaPolkitPort(polkit, gobject, glib, gio);
    }

    @Override
    public Pointer authorityGetSync(Pointer cancellable, PointerByReference error) {
        return polkit.polkit_authority_get_sync(cancellable, error);
    }

    @Override
    public Pointer authorityGetOwner(Pointer authority) {
        return polkit.polkit_authority_get_owner(authority);
    }

    @Override
    public Pointer enumerateActionsSync(Pointer authority, Pointer cancellable, PointerByReference error) {
        return polkit.polkit_authority_enumerate_actions_sync(authority, cancellable, error);
    }

    @Override
    public Pointer listData(Pointer node) {
        return node.getPointer(0);
    }

    @Override
    public Pointer listNext(Pointer node) {
        return node.getPointer(Native.POINTER_SIZE);
    }

    @Override
    public void listFree(Pointer list) {
        glib.g_list_free(list);
    }

    @Override
    public String actionDescriptionGetActionId(Pointer description) {
        return polkit.polkit_action_description_get_action_id(description);
    }

    @Override
    public Pointer unixProcessNewForOwner(int pid, long startTime, int uid) {
        return polkit.polkit_unix_process_new_for_owner(pid, startTime, uid);
    }

    @Override
    public Pointer checkAuthorizationSync(Pointer authority, Pointer subject, String actionId, int flags,
            Pointer cancellable, PointerByReference error) {
        return polkit.polkit_authority_check_authorization_sync(authority, subject, actionId, null, flags, cancellable,
                error);
    }

    @Override
    public boolean resultIsAuthorized(Pointer result) {
        return polkit.polkit_authorization_result_get_is_authorized(result);
    }

    @Override
    public boolean resultIsChallenge(Pointer result) {
        return polkit.polkit_authorization_result_get_is_challenge(result);
    }

    @Override
    public boolean resultIsDismissed(Pointer result) {
        return polkit.polkit_authorization_result_get_dismissed(result);
    }

    @Override
    public Pointer cancellableNew() {
        return gio.g_cancellable_new();
    }

    @Override
    public void cancellableCancel(Pointer cancellable) {
        gio.g_cancellable_cancel(cancellable);
    }

    @Override
    public void objectUnref(Pointer object) {
        gobject.g_object_unref(object);
    }

    @Override
    public GErrorInfo readError(Pointer error) {
        String domain = glib.g_quark_to_string(error.getInt(0));
        Pointer message = error.getPointer(GERROR_MESSAGE);
        return new GErrorInfo(domain, error.getInt(GERROR_CODE), message == null ? null : readString(message));
    }

    @Override
    public void errorFree(Pointer error) {
        glib.g_error_free(error);
    }

    @Override
    public String readString(Pointer string) {
        return string.getString(0, StandardCharsets.UTF_8.name());
    }

    @Override
    public void free(Pointer memory) {
        glib.g_free(memory);
    }
}
