package dev.bridgekeeper.biometrics.internal.polkit;

import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;

/**
 * The libpolkit-gobject-1 / GLib calls {@link PolkitAuthenticator} makes, one native call per
 * method and no logic, so the logic can be tested against a fake. Ownership follows the C API:
 * whatever a method returns as a {@link Pointer} (and every GError) must be freed by the caller
 * with the matching free method.
 *
 * <p>{@link JnaPolkitPort} is the real implementation.
 */
public interface PolkitPort {
    /** {@code POLKIT_CHECK_AUTHORIZATION_FLAGS_NONE}. */
    int CHECK_NONE = 0;
    /** {@code POLKIT_CHECK_AUTHORIZATION_FLAGS_ALLOW_USER_INTERACTION}. */
    int CHECK_ALLOW_USER_INTERACTION = 1;

    /** The fields of a {@code GError}. */
    record GErrorInfo(String domain, int code, String message) {
        /** {@code G_IO_ERROR_CANCELLED}: the call was cancelled through its GCancellable. */
        public boolean isCancelled() {
            return "g-io-error-quark".equals(domain) && code == 19;
        }
    }

    /** {@code polkit_authority_get_sync}; a new reference (unref) or null with {@code error} set. */
    Pointer authorityGetSync(Pointer cancellable, PointerByReference error);

    /** {@code polkit_authority_get_owner}; the daemon's unique bus name to {@link #free}, or null when polkitd is not running. */
    Pointer authorityGetOwner(Pointer authority);

    /** {@code polkit_authority_enumerate_actions_sync}; a GList of action descriptions (unref each, then {@link #listFree}), or null with {@code error} set (an empty list is also null, without error). */
    Pointer enumerateActionsSync(Pointer authority, Pointer cancellable, PointerByReference error);

    /** The {@code data} field of a GList node. */
    Pointer listData(Pointer node);

    /** The {@code next} field of a GList node. */
    Pointer listNext(Pointer node);

    /** {@code g_list_free}. */
    void listFree(Pointer list);

    /** {@code polkit_action_description_get_action_id}. */
    String actionDescriptionGetActionId(Pointer description);

    /** {@code polkit_unix_process_new_for_owner}; a new subject (unref). {@code startTime} 0 and {@code uid} -1 mean "look up". */
    Pointer unixProcessNewForOwner(int pid, long startTime, int uid);

    /** {@code polkit_authority_check_authorization_sync} with no details; a result (unref) or null with {@code error} set. Blocks while the user is asked. */
    Pointer checkAuthorizationSync(Pointer authority, Pointer subject, String actionId, int flags, Pointer cancellable,
            PointerByReference error);

    /** {@code polkit_authorization_result_get_is_authorized}. */
    boolean resultIsAuthorized(Pointer result);

    /** {@code polkit_authorization_result_get_is_challenge}. */
    boolean resultIsChallenge(Pointer result);

    /** {@code polkit_authorization_result_get_dismissed}. */
    boolean resultIsDismissed(Pointer result);

    /** {@code g_cancellable_new}; unref when done. */
    Pointer cancellableNew();

    /** {@code g_cancellable_cancel}; safe from any thread. */
    void cancellableCancel(Pointer cancellable);

    /** {@code g_object_unref}. */
    void objectUnref(Pointer object);

    /** Reads a {@code GError}'s domain (via {@code g_quark_to_string}), code and message. */
    GErrorInfo readError(Pointer error);

    /** {@code g_error_free}. */
    void errorFree(Pointer error);

    /** Reads a NUL-terminated UTF-8 string. */
    String readString(Pointer string);

    /** {@code g_free}. */
    void free(Pointer memory);
}
