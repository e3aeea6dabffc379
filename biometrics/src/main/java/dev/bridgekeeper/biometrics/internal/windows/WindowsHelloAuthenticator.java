package dev.bridgekeeper.biometrics.internal.windows;

import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
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
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Windows Hello user verification through WinRT {@code UserConsentVerifier}, called from JNA
 * without a helper DLL.
 *
 * <ul>
 *   <li>{@link #status()}: {@code IUserConsentVerifierStatics.CheckAvailabilityAsync}.</li>
 *   <li>{@link #verify}: {@code IUserConsentVerifierInterop.RequestVerificationForWindowAsync} with
 *       the request's parent window, else the foreground window (normally the browser that asked).
 *       The plain {@code RequestVerificationAsync} does not work in desktop apps.</li>
 *   <li>Each call runs on its own worker thread in the multithreaded apartment, polls
 *       {@code IAsyncInfo.Status} every {@code pollInterval} (no COM completion handler needed),
 *       calls {@code IAsyncInfo.Cancel} on timeout or cancellation, and finally closes and releases
 *       every object and deletes every HSTRING.</li>
 *   <li>Bringing the prompt forward: face and fingerprint only engage while the Hello dialog has
 *       focus, and Windows refuses focus changes from background processes. While the prompt is up
 *       this looks for the dialog's window (class {@value #CREDENTIAL_DIALOG_CLASS}) and, when it is
 *       not in front, calls {@code SetForegroundWindow} and {@code BringWindowToTop} on it. It does
 *       <em>not</em> change system-wide settings ({@code SPI_SETFOREGROUNDLOCKTIMEOUT}) or attach to
 *       other threads' input ({@code AttachThreadInput}); if Windows refuses, the user clicks the
 *       dialog (or uses the PIN).</li>
 * </ul>
 *
 * <p>Unverified on hardware: written against the documented API; run
 * docs/biometrics-manual-test.md on a real Windows machine.
 */
public final class WindowsHelloAuthenticator extends PromptingAuthenticator<WinRtPort> {
    private static final Logger LOG = LoggerFactory.getLogger(WindowsHelloAuthenticator.class);

    public static final String METHOD = "windows-hello";

    static final String CLASS_ID = "Windows.Security.Credentials.UI.UserConsentVerifier";
    static final String IID_USER_CONSENT_VERIFIER_INTEROP = "{39E050C3-4E74-441A-8DC0-B81104DF949C}";
    static final String IID_USER_CONSENT_VERIFIER_STATICS = "{AF4F3F91-564C-4DDC-B8B5-973447627C65}";
    /** {@code IAsyncOperation<UserConsentVerificationResult>}. */
    static final String IID_ASYNC_VERIFICATION = "{FD596FFD-2318-558F-9DBE-D21DF43764A5}";
    static final String IID_ASYNC_INFO = "{00000036-0000-0000-C000-000000000046}";
    static final String CREDENTIAL_DIALOG_CLASS = "Credential Dialog Xaml Host";

    // AsyncStatus
    static final int ASYNC_STARTED = 0;
    static final int ASYNC_COMPLETED = 1;
    static final int ASYNC_CANCELED = 2;
    static final int ASYNC_ERROR = 3;
    /** Not an AsyncStatus: the operation ignored Cancel for longer than the grace period. */
    static final int ASYNC_ABANDONED = -1;

    static final int S_OK = 0;
    static final int S_FALSE = 1;
    static final int RPC_E_CHANGED_MODE = 0x80010106;
    static final int REGDB_E_CLASSNOTREG = 0x80040154;
    static final int E_NOINTERFACE = 0x80004002;
    static final int E_POINTER = 0x80004003;

    static final Duration DEFAULT_POLL_INTERVAL = Duration.ofMillis(50);
    static final int DEFAULT_FOCUS_EVERY_POLLS = 10; // every 500 ms
    static final Duration DEFAULT_CANCEL_GRACE = Duration.ofSeconds(5);
    static final Duration DEFAULT_STATUS_TIMEOUT = Duration.ofSeconds(10);

    private final Duration pollInterval;
    private final int focusEveryPolls;
    private final Duration cancelGrace;

    /** The real authenticator; loads combase and user32 on first use, and only on Windows. */
    public static WindowsHelloAuthenticator create() {
        return new WindowsHelloAuthenticator(Platform.current(), JnaWinRtPort::load);
    }

    /**
     * @param platform the platform this process runs on; the loader runs only on Windows
     * @param loader   loads the binding ({@code JnaWinRtPort::load} for real)
     */
    public WindowsHelloAuthenticator(Platform platform, NativeBinding.Loader<WinRtPort> loader) {
        this(platform, loader, DEFAULT_POLL_INTERVAL, DEFAULT_FOCUS_EVERY_POLLS, DEFAULT_CANCEL_GRACE,
                DEFAULT_STATUS_TIMEOUT);
    }

    WindowsHelloAuthenticator(Platform platform, NativeBinding.Loader<WinRtPort> loader, Duration pollInterval,
            int focusEveryPolls, Duration cancelGrace, Duration statusTimeout) {
        super(METHOD, "Windows Hello", "", new NativeBinding<>(METHOD, Platform.WINDOWS, platform, loader,
                failure -> new BiometricStatus(Availability.PLATFORM_UNSUPPORTED, METHOD,
                        "WinRT is not available (" + failure.getMessage() + "); Windows Hello needs Windows 10 or later")),
                statusTimeout);
        this.pollInterval = Objects.requireNonNull(pollInterval, "pollInterval");
        if (focusEveryPolls < 1) {
            throw new IllegalArgumentException("focusEveryPolls must be at least 1");
        }
        this.focusEveryPolls = focusEveryPolls;
        this.cancelGrace = Objects.requireNonNull(cancelGrace, "cancelGrace");
    }

    @Override
    protected Duration closeGrace() {
        return cancelGrace.plus(pollInterval.multipliedBy(2));
    }

    PromptRunner runner() {
        return runner;
    }

    // ---- status ----------------------------------------------------------------------------

    @Override
    protected BiometricStatus queryStatus(WinRtPort port, Cancellation cancellation) throws InterruptedException {
        try (Scope scope = new Scope(port)) {
            scope.enterApartment();
            Pointer statics = scope.activationFactory(CLASS_ID, IID_USER_CONSENT_VERIFIER_STATICS);
            PointerByReference operationRef = new PointerByReference();
            check(port.checkAvailabilityAsync(statics, operationRef), "CheckAvailabilityAsync");
            Pointer operation = scope.own(operationRef.getValue(), "CheckAvailabilityAsync");
            Pointer info = scope.asyncInfo(operation);
            int asyncStatus = awaitCompletion(port, info, cancellation, false);
            switch (asyncStatus) {
                case ASYNC_COMPLETED:
                    IntByReference availability = new IntByReference();
                    check(port.asyncOperationGetResults(operation, availability), "GetResults");
                    return mapAvailability(availability.getValue());
                case ASYNC_ERROR:
                    return status(Availability.HARDWARE_UNAVAILABLE,
                            "Windows Hello availability check failed: " + hex(errorCode(port, info)));
                default:
                    return status(Availability.HARDWARE_UNAVAILABLE, "Windows Hello availability check was cancelled");
            }
        } catch (WinRtCallFailed e) {
            if (e.notSupported()) {
                return status(Availability.PLATFORM_UNSUPPORTED,
                        "this Windows version has no UserConsentVerifier (" + e.getMessage() + "); Windows 10 or later is needed");
            }
            return status(Availability.HARDWARE_UNAVAILABLE, "Windows Hello query failed: " + e.getMessage());
        }
    }

    /** {@code UserConsentVerifierAvailability} → status. Available and DeviceBusy both count as usable. */
    static BiometricStatus mapAvailability(int availability) {
        switch (availability) {
            case 0:
                return BiometricStatus.available(METHOD);
            case 1:
                return status(Availability.HARDWARE_UNAVAILABLE,
                        "no Windows Hello device (camera, fingerprint reader or PIN provider) is present");
            case 2:
                return status(Availability.NOT_ENABLED,
                        "Windows Hello is not set up for this user: Settings > Accounts > Sign-in options");
            case 3:
                return status(Availability.NOT_ENABLED, "Windows Hello is disabled by a group policy; ask your administrator");
            case 4:
                return status(Availability.AVAILABLE, "the Windows Hello device is busy right now");
            default:
                return status(Availability.HARDWARE_UNAVAILABLE, "unknown Windows Hello availability " + availability);
        }
    }

    // ---- verification ----------------------------------------------------------------------

    @Override
    protected Verification runVerification(WinRtPort port, VerificationRequest request, Cancellation cancellation)
            throws InterruptedException {
        if (cancellation.isCancelled()) {
            return Verification.of(Outcome.USER_CANCELLED, "cancelled before the Windows Hello prompt was shown");
        }
        try (Scope scope = new Scope(port)) {
            scope.enterApartment();
            Pointer interop = scope.activationFactory(CLASS_ID, IID_USER_CONSENT_VERIFIER_INTEROP);
            Pointer message = scope.hstring(request.reason());
            long window = request.parentWindow() != 0 ? request.parentWindow() : port.getForegroundWindow();
            PointerByReference operationRef = new PointerByReference();
            check(port.requestVerificationForWindowAsync(interop, window, message, IID_ASYNC_VERIFICATION, operationRef),
                    "RequestVerificationForWindowAsync");
            Pointer operation = scope.own(operationRef.getValue(), "RequestVerificationForWindowAsync");
            Pointer info = scope.asyncInfo(operation);
            int asyncStatus = awaitCompletion(port, info, cancellation, true);
            switch (asyncStatus) {
                case ASYNC_COMPLETED:
                    IntByReference result = new IntByReference();
                    check(port.asyncOperationGetResults(operation, result), "GetResults");
                    return mapResult(result.getValue());
                case ASYNC_CANCELED:
                    return Verification.of(Outcome.USER_CANCELLED, "the Windows Hello prompt was cancelled");
                case ASYNC_ERROR:
                    return Verification.of(Outcome.ERROR, "Windows Hello failed: " + hex(errorCode(port, info)));
                default:
                    return Verification.of(Outcome.ERROR, "the Windows Hello prompt did not stop after it was cancelled");
            }
        } catch (WinRtCallFailed e) {
            if (e.notSupported()) {
                return Verification.of(Outcome.UNAVAILABLE, "this Windows version has no UserConsentVerifier (" + e.getMessage() + ")");
            }
            return Verification.of(Outcome.ERROR, "Windows Hello call failed: " + e.getMessage());
        }
    }

    /** {@code UserConsentVerificationResult} → outcome. */
    static Verification mapResult(int result) {
        switch (result) {
            case 0:
                return Verification.verified();
            case 1:
                return Verification.of(Outcome.UNAVAILABLE, "no Windows Hello device is present");
            case 2:
                return Verification.of(Outcome.UNAVAILABLE,
                        "Windows Hello is not set up for this user: Settings > Accounts > Sign-in options");
            case 3:
                return Verification.of(Outcome.UNAVAILABLE, "Windows Hello is disabled by a group policy");
            case 4:
                return Verification.of(Outcome.UNAVAILABLE, "the Windows Hello device is busy; try again");
            case 5:
                return Verification.of(Outcome.DENIED, "too many failed Windows Hello attempts");
            case 6:
                return Verification.of(Outcome.USER_CANCELLED, "the Windows Hello prompt was cancelled");
            default:
                return Verification.of(Outcome.ERROR, "unknown Windows Hello result " + result);
        }
    }

    // ---- the polling loop ------------------------------------------------------------------

    /**
     * Polls until the operation leaves Started. On cancellation sends {@code IAsyncInfo.Cancel}
     * once and keeps polling for the Canceled status, giving up after the grace period.
     */
    private int awaitCompletion(WinRtPort port, Pointer info, Cancellation cancellation, boolean bringForward)
            throws WinRtCallFailed, InterruptedException {
        IntByReference status = new IntByReference();
        long cancelSentAt = 0;
        boolean cancelSent = false;
        for (long poll = 0; ; poll++) {
            check(port.asyncInfoGetStatus(info, status), "IAsyncInfo.get_Status");
            if (status.getValue() != ASYNC_STARTED) {
                return status.getValue();
            }
            if (cancellation.isCancelled()) {
                if (!cancelSent) {
                    int hr = port.asyncInfoCancel(info);
                    LOG.debug("Windows Hello prompt cancelled ({})", hex(hr));
                    cancelSent = true;
                    cancelSentAt = System.nanoTime();
                } else if (System.nanoTime() - cancelSentAt > cancelGrace.toNanos()) {
                    LOG.warn("Windows Hello operation still running {} ms after Cancel; abandoning it", cancelGrace.toMillis());
                    return ASYNC_ABANDONED;
                }
            } else if (bringForward && poll % focusEveryPolls == 0) {
                bringPromptForward(port);
            }
            TimeUnit.NANOSECONDS.sleep(pollInterval.toNanos());
        }
    }

    /** Focus the Hello dialog if it is up and not in front; Windows may refuse, which is fine. */
    private static void bringPromptForward(WinRtPort port) {
        long dialog = port.findWindow(CREDENTIAL_DIALOG_CLASS);
        if (dialog != 0 && port.getForegroundWindow() != dialog) {
            boolean foreground = port.setForegroundWindow(dialog);
            port.bringWindowToTop(dialog);
            LOG.debug("asked Windows to bring the Hello dialog forward (accepted: {})", foreground);
        }
    }

    private static int errorCode(WinRtPort port, Pointer info) {
        IntByReference code = new IntByReference();
        int hr = port.asyncInfoGetErrorCode(info, code);
        return hr == S_OK ? code.getValue() : hr;
    }

    // ---- helpers ---------------------------------------------------------------------------

    private static void check(int hr, String call) throws WinRtCallFailed {
        if (hr < 0) {
            throw new WinRtCallFailed(call, hr);
        }
    }

    static String hex(int hr) {
        return String.format("0x%08X", hr);
    }

    private static BiometricStatus status(Availability availability, String detail) {
        return new BiometricStatus(availability, METHOD, detail);
    }

    /** A failed HRESULT. */
    static final class WinRtCallFailed extends Exception {
        private static final long serialVersionUID = 1L;
        final int hresult;

        WinRtCallFailed(String call, int hresult) {
            super(call + " failed with " + hex(hresult), null, false, false);
            this.hresult = hresult;
        }

        /** The class or interface does not exist on this Windows version. */
        boolean notSupported() {
            return hresult == REGDB_E_CLASSNOTREG || hresult == E_NOINTERFACE;
        }
    }

    /**
     * Everything acquired on the worker thread, undone in reverse order on close: close async
     * infos, release interfaces, delete HSTRINGs, leave the apartment.
     */
    private static final class Scope implements AutoCloseable {
        private final WinRtPort port;
        private final Deque<Runnable> undo = new ArrayDeque<>();

        Scope(WinRtPort port) {
            this.port = port;
        }

        void enterApartment() throws WinRtCallFailed {
            int hr = port.roInitialize(WinRtPort.RO_INIT_MULTITHREADED);
            if (hr == S_OK || hr == S_FALSE) {
                undo.push(port::roUninitialize);
            } else if (hr != RPC_E_CHANGED_MODE) { // already in another apartment: usable, not ours to leave
                throw new WinRtCallFailed("RoInitialize", hr);
            }
        }

        Pointer hstring(String value) throws WinRtCallFailed {
            PointerByReference ref = new PointerByReference();
            check(port.windowsCreateString(value, ref), "WindowsCreateString");
            Pointer hstring = ref.getValue();
            undo.push(() -> port.windowsDeleteString(hstring));
            return hstring;
        }

        Pointer activationFactory(String classId, String iid) throws WinRtCallFailed {
            Pointer name = hstring(classId);
            PointerByReference ref = new PointerByReference();
            check(port.roGetActivationFactory(name, iid, ref), "RoGetActivationFactory");
            return own(ref.getValue(), "RoGetActivationFactory");
        }

        Pointer asyncInfo(Pointer operation) throws WinRtCallFailed {
            PointerByReference ref = new PointerByReference();
            check(port.queryInterface(operation, IID_ASYNC_INFO, ref), "QueryInterface(IAsyncInfo)");
            Pointer info = own(ref.getValue(), "QueryInterface(IAsyncInfo)");
            undo.push(() -> port.asyncInfoClose(info));
            return info;
        }

        /** Takes the reference a successful call returned; a null pointer counts as failure. */
        Pointer own(Pointer object, String call) throws WinRtCallFailed {
            if (object == null) {
                throw new WinRtCallFailed(call, E_POINTER);
            }
            undo.push(() -> port.release(object));
            return object;
        }

        @Override
        public void close() {
            while (!undo.isEmpty()) {
                try {
                    undo.pop().run();
                } catch (RuntimeException | LinkageError e) {
                    LOG.warn("Windows Hello cleanup step failed: {}", e.toString());
                }
            }
        }
    }
}
