/* Shared helpers of the Bridgekeeper benchmark tools: frames (PROTOCOL.md section 1), clocks,
 * spawning a process over pipes the way a browser does, and percentiles. Header-only. */
#ifndef BK_H
#define BK_H

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <sys/syscall.h>
#include <unistd.h>

/* Every helper is static; a tool uses some of them. */
#define BK_FN static __attribute__((unused))

extern char **environ;

#define BK_MAX_FRAME (64u * 1024u * 1024u)

BK_FN void bk_die(const char *what) {
    fprintf(stderr, "bench: %s: %s\n", what, errno ? strerror(errno) : "failed");
    exit(1);
}

BK_FN void bk_fail(const char *fmt, const char *arg) {
    fprintf(stderr, "bench: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\n");
    exit(1);
}

BK_FN uint64_t bk_now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* Reads exactly n bytes; returns n, or fewer at end of stream. */
BK_FN size_t bk_read_full(int fd, void *buf, size_t n) {
    size_t got = 0;
    while (got < n) {
        ssize_t r = read(fd, (char *)buf + got, n - got);
        if (r < 0 && errno == EINTR) continue;
        if (r < 0) bk_die("read");
        if (r == 0) break;
        got += (size_t)r;
    }
    return got;
}

BK_FN void bk_write_full(int fd, const void *buf, size_t n) {
    size_t done = 0;
    while (done < n) {
        ssize_t w = write(fd, (const char *)buf + done, n - done);
        if (w < 0 && errno == EINTR) continue;
        if (w < 0) bk_die("write");
        done += (size_t)w;
    }
}

/* Little-endian length prefix (every supported platform is little-endian). */
BK_FN void bk_put_len(unsigned char *p, uint32_t n) {
    p[0] = (unsigned char)n; p[1] = (unsigned char)(n >> 8);
    p[2] = (unsigned char)(n >> 16); p[3] = (unsigned char)(n >> 24);
}

BK_FN uint32_t bk_get_len(const unsigned char *p) {
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Reads one frame into *buf (grown as needed, up to BK_MAX_FRAME); returns the payload length,
 * or -1 at a clean end of stream between frames. Dies on a truncated or oversized frame. */
BK_FN long bk_read_frame(int fd, unsigned char **buf, size_t *cap) {
    unsigned char hdr[4];
    size_t got = bk_read_full(fd, hdr, 4);
    if (got == 0) return -1;
    if (got < 4) bk_fail("stream ended inside a length prefix%s", "");
    uint32_t n = bk_get_len(hdr);
    if (n == 0 || n > BK_MAX_FRAME) bk_fail("bad frame length%s", "");
    if (*cap < n) {
        unsigned char *grown = realloc(*buf, n);
        if (!grown) bk_die("realloc");
        *buf = grown;
        *cap = n;
    }
    if (bk_read_full(fd, *buf, n) < n) bk_fail("stream ended inside a frame%s", "");
    return (long)n;
}

/* Builds a JSON object frame (prefix included) whose payload is exactly `size` bytes:
 * {"type":"bench","d":"xxxx..."} ; size must be at least 28. */
BK_FN unsigned char *bk_make_frame(size_t size) {
    static const char head[] = "{\"type\":\"bench\",\"d\":\"";
    size_t hl = sizeof head - 1;
    if (size < hl + 3) bk_fail("frame size too small%s", "");
    unsigned char *f = malloc(4 + size);
    if (!f) bk_die("malloc");
    bk_put_len(f, (uint32_t)size);
    memcpy(f + 4, head, hl);
    for (size_t i = hl; i < size - 2; i++) f[4 + i] = (unsigned char)('a' + i % 26);
    f[4 + size - 2] = '"';
    f[4 + size - 1] = '}';
    return f;
}

/* A child process with its stdin and stdout on pipes (as a browser starts a host). */
typedef struct {
    pid_t pid;
    int to_child;   /* write end: the child's stdin */
    int from_child; /* read end: the child's stdout */
} bk_child;

/* Pipe capacity for spawned children: 0 keeps the kernel default (64 KiB, what browsers get). */
static int bk_pipe_bytes = 0;

/* Starts argv[0] (looked up on PATH) with pipes; stderr goes to `err_path` or /dev/null. */
BK_FN bk_child bk_spawn(char *const argv[], const char *err_path) {
    int in[2], out[2];
    if (pipe2(in, O_CLOEXEC) || pipe2(out, O_CLOEXEC)) bk_die("pipe");
    if (bk_pipe_bytes > 0 && (fcntl(in[1], F_SETPIPE_SZ, bk_pipe_bytes) < 0 || fcntl(out[1], F_SETPIPE_SZ, bk_pipe_bytes) < 0))
        bk_die("F_SETPIPE_SZ");
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, in[0], 0);
    posix_spawn_file_actions_adddup2(&fa, out[1], 1);
    posix_spawn_file_actions_addopen(&fa, 2, err_path ? err_path : "/dev/null",
                                     O_WRONLY | O_CREAT | O_APPEND, 0644);
    bk_child c;
    int rc = posix_spawnp(&c.pid, argv[0], &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    if (rc) { errno = rc; bk_die(argv[0]); }
    close(in[0]);
    close(out[1]);
    c.to_child = in[1];
    c.from_child = out[0];
    return c;
}

/* Waits up to timeout_ms for fd to become readable; 0 on timeout. */
BK_FN int bk_wait_readable(int fd, int timeout_ms) {
    struct pollfd p = {.fd = fd, .events = POLLIN};
    for (;;) {
        int r = poll(&p, 1, timeout_ms);
        if (r < 0 && errno == EINTR) continue;
        if (r < 0) bk_die("poll");
        return r;
    }
}

/* Waits for the child to exit within timeout_ms (killing it after); returns its exit status, or
 * -1 if it had to be killed. Sleeps on a pidfd so the exit is seen at once without spinning.
 * When cpu_us is not NULL it receives the child's user + system CPU time. */
BK_FN int bk_reap_cpu(pid_t pid, int timeout_ms, uint64_t *cpu_us) {
    int status, ready = 1;
    int pfd = (int)syscall(SYS_pidfd_open, pid, 0);
    if (pfd >= 0) {
        ready = bk_wait_readable(pfd, timeout_ms);
        close(pfd);
    } else {
        uint64_t deadline = bk_now_ns() + (uint64_t)timeout_ms * 1000000ull;
        while (waitpid(pid, &status, WNOHANG | WNOWAIT) == 0 && (ready = bk_now_ns() < deadline)) {
            struct timespec ts = {0, 200000}; /* 0.2 ms */
            nanosleep(&ts, NULL);
        }
    }
    if (!ready) kill(pid, SIGKILL);
    struct rusage ru;
    while (wait4(pid, &status, 0, &ru) < 0) {
        if (errno != EINTR) bk_die("wait4");
    }
    if (cpu_us) {
        *cpu_us = (uint64_t)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000ull
                + (uint64_t)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec);
    }
    if (!ready) return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

BK_FN int bk_reap(pid_t pid, int timeout_ms) {
    return bk_reap_cpu(pid, timeout_ms, NULL);
}

/* Connects to a Unix socket; dies on failure. */
BK_FN int bk_connect_unix(const char *path) {
    struct sockaddr_un a = {.sun_family = AF_UNIX};
    if (strlen(path) >= sizeof a.sun_path) bk_fail("socket path too long: %s", path);
    strcpy(a.sun_path, path);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) bk_die("socket");
    if (connect(fd, (struct sockaddr *)&a, sizeof a)) bk_die(path);
    return fd;
}

BK_FN int bk_cmp_u64(const void *a, const void *b) {
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* Nearest-rank percentile of a sorted array. */
BK_FN uint64_t bk_pct(const uint64_t *sorted, size_t n, double p) {
    if (n == 0) return 0;
    size_t rank = (size_t)(p / 100.0 * (double)n + 0.999999);
    if (rank < 1) rank = 1;
    if (rank > n) rank = n;
    return sorted[rank - 1];
}

#endif
