package dev.bridgekeeper.biometrics.internal.windows;

import com.sun.jna.Function;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import com.sun.jna.WString;
import com.sun.jna.platform.win32.Guid;
import com.sun.jna.platform.win32.User32;
import com.sun.jna.platform.win32.WinDef;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.PointerByReference;

/**
 * {@link WinRtPort} through JNA: combase.dll functions by name, COM methods through the object's
 * vtable, user32 through jna-platform. Only {@link #load()} touches native code; the authenticator
 * calls it on Windows only.
 *
 * <p>Unverified on hardware: written against the documented API; run
 * docs/biometrics-manual-test.md on a real Windows machine.
 */
public final class JnaWinRtPort implements WinRtPort {
    // IUnknown: 0 QueryInterface, 1 AddRef, 2 Release; IInspectable: 3-5; interface methods from 6.
    private static final int SLOT_QUERY_INTERFACE = 0;
    private static final int SLOT_RELEASE = 2;
    private static final int SLOT_FIRST_METHOD = 6;
    private static final int SLOT_ASYNC_INFO_STATUS = 7;
    private static final int SLOT_ASYNC_INFO_ERROR_CODE = 8;
    private static final int SLOT_ASYNC_INFO_CANCEL = 9;
    private static final int SLOT_ASYNC_INFO_CLOSE = 10;
    private static final int SLOT_ASYNC_OPERATION_GET_RESULTS = 8;

    private final Function roInitialize;
    private final Function roUninitialize;
    private final Function windowsCreateString;
    private final Function windowsDeleteString;
    private final Function roGetActivationFactory;
    private final User32 user32;

    private JnaWinRtPort(NativeLibrary combase, User32 user32) {
        this.roInitialize = combase.getFunction("RoInitialize", Function.ALT_CONVENTION);
        this.roUninitialize = combase.getFunction("RoUninitialize", Function.ALT_CONVENTION);
        this.windowsCreateString = combase.getFunction("WindowsCreateString", Function.ALT_CONVENTION);
        this.windowsDeleteString = combase.getFunction("WindowsDeleteString", Function.ALT_CONVENTION);
        this.roGetActivationFactory = combase.getFunction("RoGetActivationFactory", Function.ALT_CONVENTION);
        this.user32 = user32;
    }

    /** Loads combase.dll and user32.dll; throws {@link UnsatisfiedLinkError} before Windows 8. */
    public static JnaWinRtPort load() {
        return new JnaWinRtPort(NativeLibrary.getInstance("combase"), User32.INSTANCE);
    }

    @Override
    public int roInitialize(int initType) {
        return roInitialize.invokeInt(new Object[] {initType});
    }

    @Override
    public void roUninitialize() {
        roUninitialize.invokeVoid(new Object[0]);
    }

    @Override
    public int windowsCreateString(String value, PointerByReference hstring) {
        return windowsCreateString.invokeInt(new Object[] {new WString(value), value.length(), hstring});
    }

    @Override
    public int windowsDeleteString(Pointer hstring) {
        return windowsDeleteString.invokeInt(new Object[] {hstring});
    }

    @Override
    public int roGetActivationFactory(Pointer classId, String iid, PointerByReference factory) {
        return roGetActivationFactory.invokeInt(new Object[] {classId, guid(iid), factory});
    }

    @Override
    public int queryInterface(Pointer object, String iid, PointerByReference result) {
        return method(object, SLOT_QUERY_INTERFACE).invokeInt(new Object[] {object, guid(iid), result});
    }

    @Override
    public int release(Pointer object) {
        return method(object, SLOT_RELEASE).invokeInt(new Object[] {object});
    }

    @Override
    public int checkAvailabilityAsync(Pointer statics, PointerByReference operation) {
        return method(statics, SLOT_FIRST_METHOD).invokeInt(new Object[] {statics, operation});
    }

    @Override
    public int requestVerificationForWindowAsync(Pointer interop, long hwnd, Pointer message, String operationIid,
            PointerByReference operation) {
        return method(interop, SLOT_FIRST_METHOD).invokeInt(
                new Object[] {interop, new Pointer(hwnd), message, guid(operationIid), operation});
    }

    @Override
    public int asyncInfoGetStatus(Pointer asyncInfo, IntByReference status) {
        return method(asyncInfo, SLOT_ASYNC_INFO_STATUS).invokeInt(new Object[] {asyncInfo, status});
    }

    @Override
    public int asyncInfoGetErrorCode(Pointer asyncInfo, IntByReference errorCode) {
        return method(asyncInfo, SLOT_ASYNC_INFO_ERROR_CODE).invokeInt(new Object[] {asyncInfo, errorCode});
    }

    @Override
    public int asyncInfoCancel(Pointer asyncInfo) {
        return method(asyncInfo, SLOT_ASYNC_INFO_CANCEL).invokeInt(new Object[] {asyncInfo});
    }

    @Override
    public int asyncInfoClose(Pointer asyncInfo) {
        return method(asyncInfo, SLOT_ASYNC_INFO_CLOSE).invokeInt(new Object[] {asyncInfo});
    }

    @Override
    public int asyncOperationGetResults(Pointer operation, IntByReference result) {
        return method(operation, SLOT_ASYNC_OPERATION_GET_RESULTS).invokeInt(new Object[] {operation, result});
    }

    @Override
    public long getForegroundWindow() {
        return handle(user32.GetForegroundWindow());
    }

    @Override
    public long findWindow(String className) {
        return handle(user32.FindWindow(className, null));
    }

    @Override
    public boolean setForegroundWindow(long hwnd) {
        return user32.SetForegroundWindow(new WinDef.HWND(new Pointer(hwnd)));
    }

    @Override
    public boolean bringWindowToTop(long hwnd) {
        return user32.BringWindowToTop(new WinDef.HWND(new Pointer(hwnd)));
    }

    /** A COM method: the function pointer in {@code slot} of the object's vtable (stdcall on 32-bit). */
    private static Function method(Pointer object, int slot) {
        Pointer vtable = object.getPointer(0);
        return Function.getFunction(vtable.getPointer((long) slot * Native.POINTER_SIZE), Function.ALT_CONVENTION);
    }

    /** A GUID structure; JNA passes a Structure argument by reference, which is what REFIID is. */
    static Guid.GUID guid(String iid) {
        return new Guid.GUID(iid);
    }

    private static long handle(WinDef.HWND hwnd) {
        return hwnd == null ? 0L : Pointer.nativeValue(hwnd.getPointer());
    }
}
