/*
 * bridgekeeper-host.exe: the Windows native messaging launcher.
 *
 * Why an .exe and not a .cmd: a batch file runs through cmd.exe, which reads the file in the
 * console code page (so a non-ASCII user name in the path breaks), and Chrome then tracks the
 * cmd.exe instead of the host, leaving orphans. This stub uses only wide-character APIs.
 *
 * It reads "<its own name>.args" next to itself (UTF-8, one argument per line, written by
 * install.ps1: java.exe, the JVM flags from installer/host-jvm-flags, -jar, the jar, host),
 * appends the arguments the browser gave it exactly as the browser wrote them, starts java in
 * its own folder with the same stdin/stdout/stderr, and returns java's exit code. Java runs in a job object that is
 * killed when this process ends, so a browser that kills the launcher kills the host too.
 *
 * Build (any of):
 *   cl /nologo /O2 /W4 bridgekeeper-host.c /link /SUBSYSTEM:CONSOLE
 *   x86_64-w64-mingw32-gcc -O2 -Wall -municode -o bridgekeeper-host.exe bridgekeeper-host.c
 */
#ifndef UNICODE
#define UNICODE
#endif
#ifndef _UNICODE
#define _UNICODE
#endif
#include <windows.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#define MAX_ARGS_FILE (64 * 1024)
#define EXIT_LAUNCHER_FAILED 70

static void fail(const wchar_t *what, const wchar_t *detail) {
    /* stderr only: stdout belongs to the native messaging stream. */
    fwprintf(stderr, L"bridgekeeper-host: %ls%ls%ls (error %lu)\n", what, detail ? L": " : L"",
             detail ? detail : L"", (unsigned long)GetLastError());
}

/* Appends src to the growing buffer *buf (capacity *cap, length *len). Returns 0 on failure. */
static int append(wchar_t **buf, size_t *cap, size_t *len, const wchar_t *src, size_t n) {
    if (*len + n + 1 > *cap) {
        size_t want = (*len + n + 1) * 2;
        wchar_t *grown = (wchar_t *)realloc(*buf, want * sizeof(wchar_t));
        if (!grown) return 0;
        *buf = grown;
        *cap = want;
    }
    memcpy(*buf + *len, src, n * sizeof(wchar_t));
    *len += n;
    (*buf)[*len] = L'\0';
    return 1;
}

/*
 * Appends one argument quoted so that CommandLineToArgvW and the MSVC runtime (which java.exe
 * uses) read it back unchanged: backslashes are literal unless they precede a quote.
 */
static int append_quoted(wchar_t **buf, size_t *cap, size_t *len, const wchar_t *arg) {
    if (*len > 0 && !append(buf, cap, len, L" ", 1)) return 0;
    if (*arg && !wcspbrk(arg, L" \t\n\v\"")) return append(buf, cap, len, arg, wcslen(arg));
    if (!append(buf, cap, len, L"\"", 1)) return 0;
    for (const wchar_t *p = arg;; p++) {
        size_t backslashes = 0;
        while (*p == L'\\') { p++; backslashes++; }
        if (*p == L'\0') {
            /* Double them: the closing quote follows. */
            for (size_t i = 0; i < backslashes * 2; i++) if (!append(buf, cap, len, L"\\", 1)) return 0;
            break;
        }
        if (*p == L'"') {
            for (size_t i = 0; i < backslashes * 2 + 1; i++) if (!append(buf, cap, len, L"\\", 1)) return 0;
        } else {
            for (size_t i = 0; i < backslashes; i++) if (!append(buf, cap, len, L"\\", 1)) return 0;
        }
        if (!append(buf, cap, len, p, 1)) return 0;
    }
    return append(buf, cap, len, L"\"", 1);
}

/* The command line after the program name, exactly as the caller wrote it. */
static const wchar_t *arguments_after_program(const wchar_t *cmd) {
    if (*cmd == L'"') {
        cmd++;
        while (*cmd && *cmd != L'"') cmd++;
        if (*cmd == L'"') cmd++;
    } else {
        while (*cmd && *cmd != L' ' && *cmd != L'\t') cmd++;
    }
    while (*cmd == L' ' || *cmd == L'\t') cmd++;
    return cmd;
}

/* Reads the UTF-8 args file into a wide string; NULL on failure. */
static wchar_t *read_args_file(const wchar_t *path) {
    HANDLE f = CreateFileW(path, GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, NULL);
    if (f == INVALID_HANDLE_VALUE) {
        fail(L"cannot open", path);
        return NULL;
    }
    char *bytes = (char *)malloc(MAX_ARGS_FILE + 1);
    DWORD got = 0;
    BOOL ok = bytes && ReadFile(f, bytes, MAX_ARGS_FILE, &got, NULL);
    CloseHandle(f);
    if (!ok || got == 0 || got >= MAX_ARGS_FILE) {
        fail(L"cannot read (empty or too large)", path);
        free(bytes);
        return NULL;
    }
    int start = (got >= 3 && (unsigned char)bytes[0] == 0xEF && (unsigned char)bytes[1] == 0xBB &&
                 (unsigned char)bytes[2] == 0xBF) ? 3 : 0;
    int n = MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, bytes + start, (int)got - start, NULL, 0);
    wchar_t *text = n > 0 ? (wchar_t *)malloc(((size_t)n + 1) * sizeof(wchar_t)) : NULL;
    if (!text || MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, bytes + start, (int)got - start, text, n) != n) {
        fail(L"not valid UTF-8", path);
        free(bytes);
        free(text);
        return NULL;
    }
    text[n] = L'\0';
    free(bytes);
    return text;
}

int wmain(void) {
    /* Our own path, long-path safe. */
    DWORD size = 512;
    wchar_t *self = NULL;
    for (;;) {
        wchar_t *grown = (wchar_t *)realloc(self, size * sizeof(wchar_t));
        if (!grown) { free(self); return EXIT_LAUNCHER_FAILED; }
        self = grown;
        DWORD n = GetModuleFileNameW(NULL, self, size);
        if (n == 0) { fail(L"GetModuleFileNameW failed", NULL); return EXIT_LAUNCHER_FAILED; }
        if (n < size) break;
        size *= 2;
    }
    /* The launcher's folder: java runs there, and relative paths in the args file mean it. */
    wchar_t *dir = _wcsdup(self);
    if (!dir) return EXIT_LAUNCHER_FAILED;
    wchar_t *slash = wcsrchr(dir, L'\\');
    if (slash) *slash = L'\0';

    /* <dir>\bridgekeeper-host.exe -> <dir>\bridgekeeper-host.args */
    size_t self_len = wcslen(self);
    if (self_len > 4 && _wcsicmp(self + self_len - 4, L".exe") == 0) self[self_len - 4] = L'\0';
    wchar_t *args_path = (wchar_t *)malloc((wcslen(self) + 6) * sizeof(wchar_t));
    if (!args_path) return EXIT_LAUNCHER_FAILED;
    wcscpy(args_path, self);
    wcscat(args_path, L".args");

    wchar_t *text = read_args_file(args_path);
    if (!text) return EXIT_LAUNCHER_FAILED;

    wchar_t *cmdline = NULL, *program = NULL;
    size_t cap = 0, len = 0;
    /* One argument per line; blank lines and lines starting with '#' are skipped. */
    for (wchar_t *line = text; *line;) {
        wchar_t *end = line;
        while (*end && *end != L'\r' && *end != L'\n') end++;
        wchar_t *next = *end ? end + 1 : end;
        *end = L'\0';
        if (*line != L'\0' && *line != L'#') {
            if (!program) program = line;
            if (!append_quoted(&cmdline, &cap, &len, line)) return EXIT_LAUNCHER_FAILED;
        }
        line = next;
    }
    if (!program) {
        fail(L"no java.exe named in", args_path);
        return EXIT_LAUNCHER_FAILED;
    }
    const wchar_t *rest = arguments_after_program(GetCommandLineW());
    if (*rest) {
        if (!append(&cmdline, &cap, &len, L" ", 1) || !append(&cmdline, &cap, &len, rest, wcslen(rest))) {
            return EXIT_LAUNCHER_FAILED;
        }
    }

    /* A relative java.exe (a bundled runtime) is relative to the launcher's folder. */
    const wchar_t *application = program;
    wchar_t *absolute = NULL;
    int relative = !(program[0] == L'\\' || program[0] == L'/' || (program[0] && program[1] == L':'));
    if (relative) {
        absolute = (wchar_t *)malloc((wcslen(dir) + wcslen(program) + 2) * sizeof(wchar_t));
        if (!absolute) return EXIT_LAUNCHER_FAILED;
        wcscpy(absolute, dir);
        wcscat(absolute, L"\\");
        wcscat(absolute, program);
        application = absolute;
    }

    /* Kill java when this launcher goes, whoever ends it. */
    HANDLE job = CreateJobObjectW(NULL, NULL);
    if (job) {
        JOBOBJECT_EXTENDED_LIMIT_INFORMATION limits;
        ZeroMemory(&limits, sizeof(limits));
        limits.BasicLimitInformation.LimitFlags = JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE;
        SetInformationJobObject(job, JobObjectExtendedLimitInformation, &limits, sizeof(limits));
    }

    STARTUPINFOW si;
    ZeroMemory(&si, sizeof(si));
    si.cb = sizeof(si);
    si.dwFlags = STARTF_USESTDHANDLES;
    si.hStdInput = GetStdHandle(STD_INPUT_HANDLE);
    si.hStdOutput = GetStdHandle(STD_OUTPUT_HANDLE);
    si.hStdError = GetStdHandle(STD_ERROR_HANDLE);
    PROCESS_INFORMATION pi;
    ZeroMemory(&pi, sizeof(pi));
    /*
     * java.exe decodes its command line in the ANSI code page, so install.ps1 writes the jar and
     * archive as paths relative to this folder: a non-ASCII user name never reaches java's argv.
     */
    if (!CreateProcessW(application, cmdline, NULL, NULL, TRUE, CREATE_SUSPENDED, NULL, dir, &si, &pi)) {
        fail(L"cannot start", application);
        return EXIT_LAUNCHER_FAILED;
    }
    if (job) AssignProcessToJobObject(job, pi.hProcess);
    ResumeThread(pi.hThread);
    CloseHandle(pi.hThread);
    WaitForSingleObject(pi.hProcess, INFINITE);
    DWORD code = EXIT_LAUNCHER_FAILED;
    GetExitCodeProcess(pi.hProcess, &code);
    CloseHandle(pi.hProcess);
    return (int)code;
}
