package dev.bridgekeeper.biometrics.internal.polkit;

import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;
import dev.bridgekeeper.biometrics.Availability;
import dev.bridgekeeper.biometrics.BiometricStatus;
import dev.bridgekeeper.biometrics.internal.Cancellation;
import dev.bridgekeeper.biometrics.internal.NativeBinding;
import dev.bridgekeeper.biometrics.Outcome;
import dev.bridgekeeper.biometrics.Platform;
import dev.bridgekeeper.biometrics.internal.PromptRunner;
import dev.bridgekeeper.biometrics.internal.PromptingAuthenticator;
import dev.bridgekeeper.biometrics.Verification;
import dev.bridgekeeper.biometrics.VerificationRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.time.Duration;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Linux user verification through polkit: asks polkitd whether this process may perform
 * {@value #ACTION_ID}, letting the session's authentication agent (GNOME, KDE, ...) prompt for the
 * user's password or fingerprint.
 *
 * <ul>
 *   <li>Subject: this process ({@code unix-process}, own pid; polkit looks up start time and uid,
 *       which guards against pid reuse).</li>
 *   <li>The prompt text is the action's {@code <message>} from {@code dev.bridgekeeper.unlock.policy};
 *       the request's reason is not shown (polkit restricts overriding it).</li>
 *   <li>Cancel and timeout cancel the call's GCancellable; polkitd then tells the agent to close
 *       its dialog.</li>
 *   <li>Outcomes: authorized → VERIFIED; dismissed → USER_CANCELLED; challenge → UNAVAILABLE (no
 *       authentication agent, as over SSH or in a container); otherwise DENIED.</li>
 * </ul>
 */
public final class PolkitAuthenticator extends PromptingAuthenticator<PolkitPort> {
    private static final Logger LOG = LoggerFactory.getLogger(PolkitAuthenticator.class);

    public static final String METHOD = "polkit";
    /** The polkit action Bridgekeeper ships in {@code polkit/dev.bridgekeeper.unlock.policy}. */
    public static final String ACTION_ID = "dev.bridgekeeper.unlock";
    /** Where polkitd reads actions from (the only directory it reads). */
    public static final String ACTIONS_DIR = "/usr/share/polkit-1/actions";
    /** The policy file inside the jar. */
    public static final String POLICY_RESOURCE = "dev.bridgekeeper.unlock.policy";

    static final String NO_AGENT = "no polkit authentication agent is running in this session";
    static final Duration DEFAULT_STATUS_TIMEOUT = Duration.ofSeconds(10);

    private final String actionId;
    private final String setupHint;

    /** The real authenticator for this machine; loads libpolkit on first use, and only on Linux. */
    public static PolkitAuthenticator create() {
        return new PolkitAuthenticator(Platform.current(), JnaPolkitPort::load);
    }

    /**
     * @param platform the platform this process runs on; the loader runs only on Linux
     * @param loader   loads the binding ({@code JnaPolkitPort::load} for real)
     */
    public PolkitAuthenticator(Platform platform, NativeBinding.Loader<PolkitPort> loader) {
        this(platform, loader, ACTION_ID, "install it with 'installer/install.sh --polkit', or run: "
                + installCommand(), DEFAULT_STATUS_TIMEOUT);
    }

    /**
     * @param actionId      the polkit action to check
     * @param setupHint     the fix shown when the action is not installed
     * @param statusTimeout bound on {@link #status()}'s D-Bus round trips
     */
    public PolkitAuthenticator(Platform platform, NativeBinding.Loader<PolkitPort> loader, String actionId,
            String setupHint, Duration statusTimeout) {
        super(METHOD, "polkit", "; is polkitd stuck?", new NativeBinding<>(METHOD, Platform.LINUX, platform, loader,
                failure -> new BiometricStatus(Availability.SETUP_NEEDED, METHOD,
                        "the polkit client library could not be loaded (" + failure.getMessage() + "); install it: "
                                + "sudo apt install libpolkit-gobject-1-0 (Debian, Ubuntu) or sudo dnf install polkit-libs (Fedora)")),
                statusTimeout);
        this.actionId = Objects.requireNonNull(actionId, "actionId");
        this.setupHint = Objects.requireNonNull(setupHint, "setupHint");
    }

    @Override
    protected Duration closeGrace() {
        return Duration.ofSeconds(2);
    }

    /** The worker threads, so tests can wait until every native call returned. */
    PromptRunner runner() {
        return runner;
    }

    // ---- status ----------------------------------------------------------------------------

    @Override
    protected BiometricStatus queryStatus(PolkitPort port, Cancellation cancellation) {
        Pointer cancellable = port.cancellableNew();
        cancellation.onCancel(() -> port.cancellableCancel(cancellable));
        try {
            return queryStatus(port, cancellable);
        } finally {
            cancellation.clear();
            port.objectUnref(cancellable);
        }
    }

    private BiometricStatus queryStatus(PolkitPort port, Pointer cancellable) {
        PointerByReference errorRef = new PointerByReference();
        Pointer authority = port.authorityGetSync(cancellable, errorRef);
        if (authority == null) {
            return status(Availability.HARDWARE_UNAVAILABLE,
                    "cannot reach polkit on the system bus: " + takeError(port, errorRef).message());
        }
        try {
            if (!daemonRunning(port, authority)) {
                return status(Availability.HARDWARE_UNAVAILABLE, daemonNotRunning());
            }
            errorRef.setValue(null);
            Pointer actions = port.enumerateActionsSync(authority, cancellable, errorRef);
            boolean registered = containsAndFree(port, actions, actionId);
            if (errorRef.getValue() != null) {
                return status(Availability.HARDWARE_UNAVAILABLE,
                        "polkit could not list its actions: " + takeError(port, errorRef).message());
            }
            if (!registered) {
                return status(Availability.SETUP_NEEDED, "the polkit action " + actionId + " is not installed; " + setupHint);
            }
            return nonInteractiveCheck(port, authority, cancellable);
        } finally {
            port.objectUnref(authority);
        }
    }

    /** Asks without prompting: tells whether a prompt could succeed at all for this process. */
    private BiometricStatus nonInteractiveCheck(PolkitPort port, Pointer authority, Pointer cancellable) {
        Pointer subject = port.unixProcessNewForOwner(ownPid(), 0, -1);
        if (subject == null) {
            return status(Availability.HARDWARE_UNAVAILABLE, "polkit could not describe this process");
        }
        try {
            PointerByReference errorRef = new PointerByReference();
            Pointer result = port.checkAuthorizationSync(authority, subject, actionId, PolkitPort.CHECK_NONE, cancellable,
                    errorRef);
            if (result == null) {
                return status(Availability.HARDWARE_UNAVAILABLE,
                        "polkit check failed: " + takeError(port, errorRef).message());
            }
            try {
                if (port.resultIsAuthorized(result)) {
                    return status(Availability.AVAILABLE, "polkit grants " + actionId
                            + " to this user without asking (a local rule or retained authorization), so unlock will not prompt");
                }
                if (port.resultIsChallenge(result)) {
                    return BiometricStatus.available(METHOD);
                }
                return status(Availability.NOT_ENABLED, "polkit refuses " + actionId + " to this process even with a prompt: "
                        + "an administrator rule denies it, or the process is not in an active local session "
                        + "(SSH, container, or another seat)");
            } finally {
                port.objectUnref(result);
            }
        } finally {
            port.objectUnref(subject);
        }
    }

    // ---- verification ----------------------------------------------------------------------

    @Override
    protected Verification runVerification(PolkitPort port, VerificationRequest request, Cancellation cancellation) {
        if (cancellation.isCancelled()) {
            return Verification.of(Outcome.USER_CANCELLED, "cancelled before the polkit check started");
        }
        PointerByReference errorRef = new PointerByReference();
        Pointer authority = port.authorityGetSync(null, errorRef);
        if (authority == null) {
            return Verification.of(Outcome.UNAVAILABLE,
                    "cannot reach polkit on the system bus: " + takeError(port, errorRef).message());
        }
        try {
            if (!daemonRunning(port, authority)) {
                return Verification.of(Outcome.UNAVAILABLE, daemonNotRunning());
            }
            Pointer subject = port.unixProcessNewForOwner(ownPid(), 0, -1);
            if (subject == null) {
                return Verification.of(Outcome.ERROR, "polkit could not describe this process");
            }
            try {
                return checkInteractively(port, authority, subject, cancellation);
            } finally {
                port.objectUnref(subject);
            }
        } finally {
            port.objectUnref(authority);
        }
    }

    private Verification checkInteractively(PolkitPort port, Pointer authority, Pointer subject,
            Cancellation cancellation) {
        Pointer cancellable = port.cancellableNew();
        try {
            cancellation.onCancel(() -> port.cancellableCancel(cancellable));
            PointerByReference errorRef = new PointerByReference();
            Pointer result;
            try {
                result = port.checkAuthorizationSync(authority, subject, actionId,
                        PolkitPort.CHECK_ALLOW_USER_INTERACTION, cancellable, errorRef);
            } finally {
                cancellation.clear();
            }
            if (result == null) {
                return failedCheck(port, errorRef, cancellation);
            }
            try {
                return mapResult(port.resultIsAuthorized(result), port.resultIsDismissed(result),
                        port.resultIsChallenge(result));
            } finally {
                port.objectUnref(result);
            }
        } finally {
            port.objectUnref(cancellable);
        }
    }

    static Verification mapResult(boolean authorized, boolean dismissed, boolean challenge) {
        if (authorized) {
            return Verification.verified();
        }
        if (dismissed) {
            return Verification.of(Outcome.USER_CANCELLED, "the polkit authentication dialog was dismissed");
        }
        if (challenge) {
            return Verification.of(Outcome.UNAVAILABLE, NO_AGENT);
        }
        return Verification.of(Outcome.DENIED, "polkit did not authorize the unlock");
    }

    private Verification failedCheck(PolkitPort port, PointerByReference errorRef, Cancellation cancellation) {
        if (errorRef.getValue() == null) {
            return Verification.of(Outcome.ERROR, "polkit returned neither a result nor an error");
        }
        PolkitPort.GErrorInfo error = takeError(port, errorRef);
        if (cancellation.isCancelled() || error.isCancelled()) {
            return Verification.of(Outcome.USER_CANCELLED, "the polkit check was cancelled");
        }
        String message = error.message() == null ? "" : error.message();
        if (message.contains("not registered")) {
            return Verification.of(Outcome.UNAVAILABLE, "the polkit action " + actionId + " is not installed; " + setupHint);
        }
        return Verification.of(Outcome.ERROR, "polkit check failed: " + message);
    }

    // ---- helpers ---------------------------------------------------------------------------

    /** polkit_authority_get_sync succeeds without a daemon; the proxy's name owner tells. */
    private static boolean daemonRunning(PolkitPort port, Pointer authority) {
        Pointer owner = port.authorityGetOwner(authority);
        if (owner == null) {
            return false;
        }
        port.free(owner);
        return true;
    }

    private static String daemonNotRunning() {
        return "the polkit daemon is not running (nobody owns org.freedesktop.PolicyKit1 on the system bus); "
                + "start it: sudo systemctl start polkit";
    }

    /** Walks the GList of action descriptions, unreffing each, and frees the list. */
    private static boolean containsAndFree(PolkitPort port, Pointer list, String wanted) {
        boolean found = false;
        for (Pointer node = list; node != null; node = port.listNext(node)) {
            Pointer description = port.listData(node);
            if (description != null) {
                if (wanted.equals(port.actionDescriptionGetActionId(description))) {
                    found = true;
                }
                port.objectUnref(description);
            }
        }
        if (list != null) {
            port.listFree(list);
        }
        return found;
    }

    /** Reads and frees the GError in {@code errorRef} (tolerates a missing one). */
    private static PolkitPort.GErrorInfo takeError(PolkitPort port, PointerByReference errorRef) {
        Pointer error = errorRef.getValue();
        if (error == null) {
            return new PolkitPort.GErrorInfo(null, 0, "unknown error");
        }
        try {
            PolkitPort.GErrorInfo info = port.readError(error);
            LOG.debug("polkit error {}:{}", info.domain(), info.code());
            return info;
        } finally {
            port.errorFree(error);
            errorRef.setValue(null);
        }
    }

    private static BiometricStatus status(Availability availability, String detail) {
        return new BiometricStatus(availability, METHOD, detail);
    }

    private static int ownPid() {
        return Math.toIntExact(ProcessHandle.current().pid());
    }

    // ---- setup -----------------------------------------------------------------------------

    /** The shipped policy file's text (for installers and {@code doctor}). */
    public static String policyXml() {
        try (InputStream in = PolkitAuthenticator.class.getResourceAsStream(POLICY_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(POLICY_RESOURCE + " is missing from the classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A shell command that installs the action file from wherever this class was loaded (the
     * jar, or a classes directory), to show the user when the action is missing.
     */
    public static String installCommand() {
        String target = ACTIONS_DIR + "/" + POLICY_RESOURCE;
        String entry = PolkitAuthenticator.class.getPackageName().replace('.', '/') + "/" + POLICY_RESOURCE;
        Path source = codeSource();
        if (source != null && Files.isRegularFile(source)) {
            return "unzip -p " + shellQuote(source.toString()) + " " + entry + " | sudo tee " + target + " > /dev/null";
        }
        if (source != null && Files.isDirectory(source)) {
            return "sudo install -m 0644 " + shellQuote(source.resolve(entry).toString()) + " " + target;
        }
        return "sudo install -m 0644 polkit/" + POLICY_RESOURCE + " " + target + " (the file ships with Bridgekeeper)";
    }

    private static Path codeSource() {
        try {
            CodeSource source = PolkitAuthenticator.class.getProtectionDomain().getCodeSource();
            return source == null || source.getLocation() == null ? null : Path.of(source.getLocation().toURI());
        } catch (URISyntaxException | RuntimeException e) {
            return null;
        }
    }

    static String shellQuote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }
}
