package dev.bridgekeeper.agent.internal.keystore;

import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;
import java.nio.charset.StandardCharsets;

/**
 * The thin JNA binding of {@link KeychainStore.Keychain}: builds the CoreFoundation dictionaries
 * and calls the Security framework; no decisions. <b>UNVERIFIED ON HARDWARE</b> (written against
 * the documented API: SecItem.h, CFDictionary.h).
 */
final class JnaKeychain implements KeychainStore.Keychain {
    interface CoreFoundation extends Library {
        Pointer CFStringCreateWithCString(Pointer allocator, byte[] cString, int encoding);

        Pointer CFDataCreate(Pointer allocator, byte[] bytes, long length);

        Pointer CFDictionaryCreate(Pointer allocator, Pointer keys, Pointer values, long count, Pointer keyCallBacks,
                Pointer valueCallBacks);

        long CFDataGetLength(Pointer data);

        Pointer CFDataGetBytePtr(Pointer data);

        void CFRelease(Pointer cf);
    }

    interface Security extends Library {
        int SecItemAdd(Pointer attributes, PointerByReference result);

        int SecItemCopyMatching(Pointer query, PointerByReference result);

        int SecItemDelete(Pointer query);
    }

    private static final int K_CF_STRING_ENCODING_UTF8 = 0x08000100;
    private static volatile JnaKeychain instance;

    private final CoreFoundation cf;
    private final Security sec;
    private final NativeLibrary cfLib;
    private final NativeLibrary secLib;

    private JnaKeychain() {
        cf = Native.load("CoreFoundation", CoreFoundation.class);
        sec = Native.load("Security", Security.class);
        cfLib = NativeLibrary.getInstance("CoreFoundation");
        secLib = NativeLibrary.getInstance("Security");
    }

    static JnaKeychain instance() {
        JnaKeychain k = instance;
        if (k == null) {
            synchronized (JnaKeychain.class) {
                if (instance == null) {
                    instance = new JnaKeychain();
                }
                k = instance;
            }
        }
        return k;
    }

    /** The value of an exported CFTypeRef constant such as {@code kSecClass}. */
    private Pointer secConstant(String name) {
        return secLib.getGlobalVariableAddress(name).getPointer(0);
    }

    private Pointer cfString(String s) {
        return cf.CFStringCreateWithCString(null, (s + "\0").getBytes(StandardCharsets.UTF_8), K_CF_STRING_ENCODING_UTF8);
    }

    /** A dictionary of the item's identity (class, service, account) plus {@code extra} key/value pairs. */
    private Pointer query(String service, String account, Pointer... extra) {
        Pointer svc = cfString(service);
        Pointer acc = cfString(account);
        Pointer[] keys = new Pointer[3 + extra.length / 2];
        Pointer[] values = new Pointer[keys.length];
        keys[0] = secConstant("kSecClass");
        values[0] = secConstant("kSecClassGenericPassword");
        keys[1] = secConstant("kSecAttrService");
        values[1] = svc;
        keys[2] = secConstant("kSecAttrAccount");
        values[2] = acc;
        for (int i = 0; i < extra.length / 2; i++) {
            keys[3 + i] = extra[2 * i];
            values[3 + i] = extra[2 * i + 1];
        }
        Memory k = new Memory((long) Native.POINTER_SIZE * keys.length);
        Memory v = new Memory((long) Native.POINTER_SIZE * keys.length);
        for (int i = 0; i < keys.length; i++) {
            k.setPointer((long) i * Native.POINTER_SIZE, keys[i]);
            v.setPointer((long) i * Native.POINTER_SIZE, values[i]);
        }
        Pointer dict = cf.CFDictionaryCreate(null, k, v, keys.length,
                cfLib.getGlobalVariableAddress("kCFTypeDictionaryKeyCallBacks"),
                cfLib.getGlobalVariableAddress("kCFTypeDictionaryValueCallBacks"));
        cf.CFRelease(svc); // The dictionary retains them.
        cf.CFRelease(acc);
        return dict;
    }

    @Override
    public int add(String service, String account, byte[] data) {
        Pointer value = cf.CFDataCreate(null, data, data.length);
        Pointer q = query(service, account, secConstant("kSecValueData"), value);
        try {
            return sec.SecItemAdd(q, null);
        } finally {
            cf.CFRelease(q);
            cf.CFRelease(value);
        }
    }

    @Override
    public int copy(String service, String account, byte[][] out) {
        Pointer yes = cfLib.getGlobalVariableAddress("kCFBooleanTrue").getPointer(0);
        Pointer q = query(service, account, secConstant("kSecReturnData"), yes,
                secConstant("kSecMatchLimit"), secConstant("kSecMatchLimitOne"));
        PointerByReference result = new PointerByReference();
        try {
            int status = sec.SecItemCopyMatching(q, result);
            Pointer data = result.getValue();
            if (status == 0 && data != null) {
                try {
                    out[0] = cf.CFDataGetBytePtr(data).getByteArray(0, (int) cf.CFDataGetLength(data));
                } finally {
                    cf.CFRelease(data);
                }
            }
            return status;
        } finally {
            cf.CFRelease(q);
        }
    }

    @Override
    public int delete(String service, String account) {
        Pointer q = query(service, account);
        try {
            return sec.SecItemDelete(q);
        } finally {
            cf.CFRelease(q);
        }
    }
}
