package dev.bridgekeeper.biometrics.internal.windows;

import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.PointerByReference;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * WinRT as the documentation describes it, with books on reference counts, HSTRINGs, Close calls
 * and the thread of every call (COM work must stay on the worker thread that entered the MTA).
 */
final class FakeWinRtPort implements WinRtPort {
    static final int S_OK = 0;

    // ---- scenario ----
    volatile int roInitializeResult = S_OK;
    final Map<String, Integer> failures = new ConcurrentHashMap<>();
    volatile int availability;
    volatile int verificationResult;
    volatile int pollsBeforeDone = 3;
    volatile int finalStatus = WindowsHelloAuthenticator.ASYNC_COMPLETED;
    volatile int asyncErrorCode = 0x80070005;
    /** Started until Cancel, then Canceled (a prompt nobody answers). */
    volatile boolean waitForCancel;
    /** Started forever, even after Cancel. */
    volatile boolean ignoreCancel;
    volatile long foregroundWindow = 0x1111;
    volatile long dialogWindow;

    // ---- observations ----
    final List<String> problems = Collections.synchronizedList(new ArrayList<>());
    final AtomicInteger roInits = new AtomicInteger();
    final AtomicInteger roUninits = new AtomicInteger();
    final AtomicInteger statusPolls = new AtomicInteger();
    final AtomicInteger cancels = new AtomicInteger();
    final AtomicInteger closes = new AtomicInteger();
    final AtomicInteger focusAttempts = new AtomicInteger();
    final List<String> factoryIids = Collections.synchronizedList(new ArrayList<>());
    final CountDownLatch operationStarted = new CountDownLatch(1);
    volatile long requestedWindow;
    volatile String requestedMessage;
    volatile String requestedIid;
    volatile Thread workerThread;

    private final AtomicLong nextHandle = new AtomicLong();
    private final Map<Long, Integer> refs = new ConcurrentHashMap<>();
    private final Map<Long, String> kinds = new ConcurrentHashMap<>();
    private final Map<Long, String> hstrings = new ConcurrentHashMap<>();
    private final Map<Long, Operation> operations = new ConcurrentHashMap<>();

    private static final class Operation {
        final boolean verification;
        int polls;
        boolean cancelRequested;
        boolean closed;

        Operation(boolean verification) {
            this.verification = verification;
        }
    }

    /** Interfaces still referenced and HSTRINGs not deleted. */
    List<String> leaks() {
        List<String> leaks = new ArrayList<>();
        refs.forEach((handle, count) -> {
            if (count != 0) {
                leaks.add(kinds.get(handle) + " refcount " + count);
            }
        });
        hstrings.values().forEach(value -> leaks.add("HSTRING \"" + value + "\""));
        return leaks;
    }

    private Pointer object(String kind) {
        long handle = nextHandle.incrementAndGet() * 16;
        refs.put(handle, 1);
        kinds.put(handle, kind);
        return new Pointer(handle);
    }

    private void onWorker(String call) {
        if (workerThread != Thread.currentThread()) {
            problems.add(call + " called outside the worker thread that entered the apartment");
        }
    }

    private void use(Pointer p, String kind, String call) {
        onWorker(call);
        long handle = p == null ? 0 : Pointer.nativeValue(p);
        if (!kind.equals(kinds.get(handle)) || refs.getOrDefault(handle, 0) <= 0) {
            problems.add(call + " on " + p + " which is not a live " + kind);
        }
    }

    private int failure(String call) {
        return failures.getOrDefault(call, S_OK);
    }

    @Override
    public int roInitialize(int initType) {
        workerThread = Thread.currentThread();
        if (initType != RO_INIT_MULTITHREADED) {
            problems.add("RoInitialize(" + initType + ") is not the MTA");
        }
        if (roInitializeResult == S_OK || roInitializeResult == 1) {
            roInits.incrementAndGet();
        }
        return roInitializeResult;
    }

    @Override
    public void roUninitialize() {
        onWorker("RoUninitialize");
        roUninits.incrementAndGet();
    }

    @Override
    public int windowsCreateString(String value, PointerByReference hstring) {
        onWorker("WindowsCreateString");
        long handle = nextHandle.incrementAndGet() * 16;
        hstrings.put(handle, value);
        hstring.setValue(new Pointer(handle));
        return S_OK;
    }

    @Override
    public int windowsDeleteString(Pointer hstring) {
        onWorker("WindowsDeleteString");
        if (hstrings.remove(Pointer.nativeValue(hstring)) == null) {
            problems.add("WindowsDeleteString on an unknown HSTRING");
        }
        return S_OK;
    }

    @Override
    public int roGetActivationFactory(Pointer classId, String iid, PointerByReference factory) {
        onWorker("RoGetActivationFactory");
        if (!WindowsHelloAuthenticator.CLASS_ID.equals(hstrings.get(Pointer.nativeValue(classId)))) {
            problems.add("activation factory for " + hstrings.get(Pointer.nativeValue(classId)));
        }
        factoryIids.add(iid);
        int hr = failure("RoGetActivationFactory");
        if (hr != S_OK) {
            return hr;
        }
        factory.setValue(object(iid.equals(WindowsHelloAuthenticator.IID_USER_CONSENT_VERIFIER_INTEROP) ? "interop" : "statics"));
        return S_OK;
    }

    @Override
    public int queryInterface(Pointer object, String iid, PointerByReference result) {
        use(object, "operation", "QueryInterface");
        if (!WindowsHelloAuthenticator.IID_ASYNC_INFO.equals(iid)) {
            problems.add("QueryInterface for " + iid);
        }
        Pointer info = object("asyncInfo");
        operations.put(Pointer.nativeValue(info), operations.get(Pointer.nativeValue(object)));
        result.setValue(info);
        return S_OK;
    }

    @Override
    public int release(Pointer object) {
        onWorker("Release");
        long handle = Pointer.nativeValue(object);
        Integer count = refs.get(handle);
        if (count == null || count <= 0) {
            problems.add("Release of " + kinds.get(handle) + " with no reference left");
            return 0;
        }
        refs.put(handle, count - 1);
        return count - 1;
    }

    @Override
    public int checkAvailabilityAsync(Pointer statics, PointerByReference operation) {
        use(statics, "statics", "CheckAvailabilityAsync");
        return startOperation(false, operation, "CheckAvailabilityAsync");
    }

    @Override
    public int requestVerificationForWindowAsync(Pointer interop, long hwnd, Pointer message, String operationIid,
            PointerByReference operation) {
        use(interop, "interop", "RequestVerificationForWindowAsync");
        requestedWindow = hwnd;
        requestedMessage = hstrings.get(Pointer.nativeValue(message));
        requestedIid = operationIid;
        return startOperation(true, operation, "RequestVerificationForWindowAsync");
    }

    private int startOperation(boolean verification, PointerByReference operation, String call) {
        int hr = failure(call);
        if (hr != S_OK) {
            return hr;
        }
        Pointer op = object("operation");
        operations.put(Pointer.nativeValue(op), new Operation(verification));
        operation.setValue(op);
        operationStarted.countDown();
        return S_OK;
    }

    @Override
    public int asyncInfoGetStatus(Pointer asyncInfo, IntByReference status) {
        use(asyncInfo, "asyncInfo", "get_Status");
        statusPolls.incrementAndGet();
        Operation op = operations.get(Pointer.nativeValue(asyncInfo));
        if (op.closed) {
            problems.add("get_Status after Close");
        }
        int value;
        if (ignoreCancel) {
            value = WindowsHelloAuthenticator.ASYNC_STARTED;
        } else if (op.cancelRequested) {
            value = WindowsHelloAuthenticator.ASYNC_CANCELED;
        } else if (waitForCancel || op.polls++ < pollsBeforeDone) {
            value = WindowsHelloAuthenticator.ASYNC_STARTED;
        } else {
            value = finalStatus;
        }
        status.setValue(value);
        return S_OK;
    }

    @Override
    public int asyncInfoGetErrorCode(Pointer asyncInfo, IntByReference errorCode) {
        use(asyncInfo, "asyncInfo", "get_ErrorCode");
        errorCode.setValue(asyncErrorCode);
        return S_OK;
    }

    @Override
    public int asyncInfoCancel(Pointer asyncInfo) {
        use(asyncInfo, "asyncInfo", "Cancel");
        cancels.incrementAndGet();
        operations.get(Pointer.nativeValue(asyncInfo)).cancelRequested = true;
        return S_OK;
    }

    @Override
    public int asyncInfoClose(Pointer asyncInfo) {
        use(asyncInfo, "asyncInfo", "Close");
        closes.incrementAndGet();
        operations.get(Pointer.nativeValue(asyncInfo)).closed = true;
        return S_OK;
    }

    @Override
    public int asyncOperationGetResults(Pointer operation, IntByReference result) {
        use(operation, "operation", "GetResults");
        Operation op = operations.get(Pointer.nativeValue(operation));
        result.setValue(op.verification ? verificationResult : availability);
        return failure("GetResults");
    }

    @Override
    public long getForegroundWindow() {
        return foregroundWindow;
    }

    @Override
    public long findWindow(String className) {
        if (!WindowsHelloAuthenticator.CREDENTIAL_DIALOG_CLASS.equals(className)) {
            problems.add("FindWindow(" + className + ")");
        }
        return dialogWindow;
    }

    @Override
    public boolean setForegroundWindow(long hwnd) {
        focusAttempts.incrementAndGet();
        if (hwnd != dialogWindow) {
            problems.add("SetForegroundWindow on " + hwnd);
        }
        return true;
    }

    @Override
    public boolean bringWindowToTop(long hwnd) {
        if (hwnd != dialogWindow) {
            problems.add("BringWindowToTop on " + hwnd);
        }
        return true;
    }
}
