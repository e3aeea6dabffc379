/*
 * Test stand-in for java.exe: prints its working directory and each argument it received
 * (as the MSVC runtime splits them) as UTF-8 lines, then how many bytes came on stdin.
 * Used by installer/test/windows-launcher.sh to check bridgekeeper-host.exe under Wine.
 */
#ifndef UNICODE
#define UNICODE
#endif
#include <windows.h>
#include <stdio.h>
#include <stdlib.h>

static void put_utf8(const wchar_t *w) {
    int n = WideCharToMultiByte(CP_UTF8, 0, w, -1, NULL, 0, NULL, NULL);
    char *b = (char *)malloc((size_t)n);
    WideCharToMultiByte(CP_UTF8, 0, w, -1, b, n, NULL, NULL);
    DWORD written;
    WriteFile(GetStdHandle(STD_OUTPUT_HANDLE), b, (DWORD)(n - 1), &written, NULL);
    WriteFile(GetStdHandle(STD_OUTPUT_HANDLE), "\n", 1, &written, NULL);
    free(b);
}

int wmain(int argc, wchar_t **argv) {
    wchar_t cwd[4096];
    GetCurrentDirectoryW(4096, cwd);
    put_utf8(cwd);
    for (int i = 1; i < argc; i++) put_utf8(argv[i]);
    char buf[4096];
    DWORD got, total = 0;
    while (ReadFile(GetStdHandle(STD_INPUT_HANDLE), buf, sizeof buf, &got, NULL) && got > 0) total += got;
    wchar_t line[64];
    swprintf(line, 64, L"stdin=%lu", (unsigned long)total);
    put_utf8(line);
    return 7;
}
