package dev.bridgekeeper.biometrics.internal.windows;

import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.PointerByReference;

/**
 * The WinRT, COM and user32 calls {@link WindowsHelloAuthenticator} makes: one native call per
 * method, HRESULTs returned as they are, no logic, so the logic can be tested against a fake.
 * Every interface pointer written to a {@link PointerByReference} carries one reference the
 * caller must {@link #release}; every HSTRING must be deleted.
 *
 * <p>{@link JnaWinRtPort} is the real implementation. Unverified on hardware: written against the
 * documented API; run docs/biometrics-manual-test.md on a real Windows machine.
 */
public interface WinRtPort {
    /** {@code RO_INIT_MULTITHREADED}. */
    int RO_INIT_MULTITHREADED = 1;

    /** {@code RoInitialize} (combase). S_OK or S_FALSE mean the thread is initialised and must be uninitialised. */
    int roInitialize(int initType);

    /** {@code RoUninitialize}. */
    void roUninitialize();

    /** {@code WindowsCreateString}. */
    int windowsCreateString(String value, PointerByReference hstring);

    /** {@code WindowsDeleteString}. */
    int windowsDeleteString(Pointer hstring);

    /** {@code RoGetActivationFactory(classId, iid, factory)}; {@code iid} in registry form {@code {xxxxxxxx-...}}. */
    int roGetActivationFactory(Pointer classId, String iid, PointerByReference factory);

    /** {@code IUnknown::QueryInterface} (vtable slot 0). */
    int queryInterface(Pointer object, String iid, PointerByReference result);

    /** {@code IUnknown::Release} (slot 2); returns the new reference count. */
    int release(Pointer object);

    /** {@code IUserConsentVerifierStatics::CheckAvailabilityAsync} (slot 6). */
    int checkAvailabilityAsync(Pointer statics, PointerByReference operation);

    /** {@code IUserConsentVerifierInterop::RequestVerificationForWindowAsync(hwnd, message, riid, op)} (slot 6). */
    int requestVerificationForWindowAsync(Pointer interop, long hwnd, Pointer message, String operationIid,
            PointerByReference operation);

    /** {@code IAsyncInfo::get_Status} (slot 7): 0 Started, 1 Completed, 2 Canceled, 3 Error. */
    int asyncInfoGetStatus(Pointer asyncInfo, IntByReference status);

    /** {@code IAsyncInfo::get_ErrorCode} (slot 8). */
    int asyncInfoGetErrorCode(Pointer asyncInfo, IntByReference errorCode);

    /** {@code IAsyncInfo::Cancel} (slot 9). */
    int asyncInfoCancel(Pointer asyncInfo);

    /** {@code IAsyncInfo::Close} (slot 10). */
    int asyncInfoClose(Pointer asyncInfo);

    /** {@code IAsyncOperation<enum>::GetResults} (slot 8), for the two int-sized enum results used here. */
    int asyncOperationGetResults(Pointer operation, IntByReference result);

    /** {@code GetForegroundWindow}; 0 when none. */
    long getForegroundWindow();

    /** {@code FindWindowW(className, NULL)}; 0 when not found. */
    long findWindow(String className);

    /** {@code SetForegroundWindow}. */
    boolean setForegroundWindow(long hwnd);

    /** {@code BringWindowToTop}. */
    boolean bringWindowToTop(long hwnd);
}
