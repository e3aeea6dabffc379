package dev.bridgekeeper.agent.internal.registration;

import com.sun.jna.platform.win32.Advapi32Util;
import com.sun.jna.platform.win32.Win32Exception;
import com.sun.jna.platform.win32.WinNT;
import com.sun.jna.platform.win32.WinReg;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;

/**
 * The real registry through jna-platform's Advapi32Util. Only created on Windows, so JNA is never
 * loaded elsewhere. Written against the documented Advapi32Util API and compiled here; not yet run
 * on Windows hardware (the logic around it is tested through {@link RegistryReader} and
 * {@link RegistryWriter} fakes).
 */
public final class JnaRegistry implements RegistryReader, RegistryWriter {

    private static WinReg.HKEY root(Hive hive) {
        return hive == Hive.HKCU ? WinReg.HKEY_CURRENT_USER : WinReg.HKEY_LOCAL_MACHINE;
    }

    @Override
    public Optional<Map<String, Object>> values(Hive hive, View view, String path) {
        int viewFlag = view == View.BITS_32 ? WinNT.KEY_WOW64_32KEY : WinNT.KEY_WOW64_64KEY;
        try {
            if (!Advapi32Util.registryKeyExists(root(hive), path, viewFlag)) {
                return Optional.empty();
            }
            return Optional.of(Advapi32Util.registryGetValues(root(hive), path, viewFlag));
        } catch (Win32Exception e) {
            // Access denied or a key removed while reading: the browser would not see it either.
            return Optional.empty();
        }
    }

    @Override
    public void setDefault(Hive hive, String path, String value) throws IOException {
        try {
            Advapi32Util.registryCreateKey(root(hive), path, WinNT.KEY_WOW64_64KEY);
            Advapi32Util.registrySetStringValue(root(hive), path, "", value, WinNT.KEY_WOW64_64KEY);
        } catch (Win32Exception e) {
            throw new IOException("cannot write " + hive + "\\" + path + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void deleteKey(Hive hive, String path) throws IOException {
        try {
            if (Advapi32Util.registryKeyExists(root(hive), path, WinNT.KEY_WOW64_64KEY)) {
                int cut = path.lastIndexOf('\\');
                Advapi32Util.registryDeleteKey(root(hive), path.substring(0, cut), path.substring(cut + 1),
                        WinNT.KEY_WOW64_64KEY);
            }
        } catch (Win32Exception e) {
            throw new IOException("cannot delete " + hive + "\\" + path + ": " + e.getMessage(), e);
        }
    }
}
