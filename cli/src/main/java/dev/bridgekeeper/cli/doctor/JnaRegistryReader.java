package dev.bridgekeeper.cli.doctor;

import com.sun.jna.platform.win32.Advapi32Util;
import com.sun.jna.platform.win32.Win32Exception;
import com.sun.jna.platform.win32.WinNT;
import com.sun.jna.platform.win32.WinReg;
import java.util.Map;
import java.util.Optional;

/**
 * The real registry through jna-platform's Advapi32Util. Only created on Windows, so JNA is
 * never loaded elsewhere.
 */
final class JnaRegistryReader implements RegistryReader {

    @Override
    public Optional<Map<String, Object>> values(Hive hive, View view, String path) {
        WinReg.HKEY root = hive == Hive.HKCU ? WinReg.HKEY_CURRENT_USER : WinReg.HKEY_LOCAL_MACHINE;
        int viewFlag = view == View.BITS_32 ? WinNT.KEY_WOW64_32KEY : WinNT.KEY_WOW64_64KEY;
        try {
            if (!Advapi32Util.registryKeyExists(root, path, viewFlag)) {
                return Optional.empty();
            }
            return Optional.of(Advapi32Util.registryGetValues(root, path, viewFlag));
        } catch (Win32Exception e) {
            // Access denied or a key removed while reading: the browser would not see it either.
            return Optional.empty();
        }
    }
}
