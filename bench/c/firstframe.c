/* bk-firstframe: spawns a command over pipes, as a browser starts a native messaging host, and
 * prints how long it took from the spawn to the first whole frame on its stdout, then how long it
 * took to exit after its stdin was closed.
 *
 * usage: bk-firstframe [-n RUNS] [-e EXPECT] [-E STDERR_FILE] [-t TIMEOUT_MS] -- CMD ARGS...
 * Prints one line per run: "<first frame µs> <exit after EOF µs> <child CPU µs, user + system>". Exits non-zero if a run
 * fails: no frame in time, a frame without EXPECT in it, a non-zero exit or no exit in time. */
#include "bk.h"

int main(int argc, char **argv) {
    int runs = 1, timeout_ms = 10000, opt;
    const char *expect = NULL, *err_path = NULL;
    while ((opt = getopt(argc, argv, "+n:e:E:t:")) != -1) {
        switch (opt) {
            case 'n': runs = atoi(optarg); break;
            case 'e': expect = optarg; break;
            case 'E': err_path = optarg; break;
            case 't': timeout_ms = atoi(optarg); break;
            default:
                fprintf(stderr, "usage: bk-firstframe [-n RUNS] [-e EXPECT] [-E STDERR] [-t MS] -- CMD ARGS...\n");
                return 2;
        }
    }
    if (optind >= argc || runs < 1) {
        fprintf(stderr, "bk-firstframe: no command\n");
        return 2;
    }
    signal(SIGPIPE, SIG_IGN);
    unsigned char *buf = NULL;
    size_t cap = 0;
    for (int i = 0; i < runs; i++) {
        uint64_t t0 = bk_now_ns();
        bk_child c = bk_spawn(argv + optind, err_path);
        if (!bk_wait_readable(c.from_child, timeout_ms)) {
            kill(c.pid, SIGKILL);
            bk_reap(c.pid, 1000);
            bk_fail("no output within the timeout from %s", argv[optind]);
        }
        long n = bk_read_frame(c.from_child, &buf, &cap);
        uint64_t t1 = bk_now_ns();
        if (n < 0) bk_fail("stdout ended before a frame from %s", argv[optind]);
        if (expect && !memmem(buf, (size_t)n, expect, strlen(expect))) {
            fprintf(stderr, "bk-firstframe: first frame lacks '%s': %.*s\n", expect, (int)(n > 300 ? 300 : n), buf);
            kill(c.pid, SIGKILL);
            bk_reap(c.pid, 1000);
            return 1;
        }
        uint64_t t2 = bk_now_ns();
        close(c.to_child);
        uint64_t cpu_us = 0;
        int status = bk_reap_cpu(c.pid, timeout_ms, &cpu_us);
        uint64_t t3 = bk_now_ns();
        close(c.from_child);
        if (status != 0) {
            fprintf(stderr, "bk-firstframe: %s exited with %d after EOF\n", argv[optind], status);
            return 1;
        }
        printf("%llu %llu %llu\n", (unsigned long long)((t1 - t0) / 1000), (unsigned long long)((t3 - t2) / 1000),
               (unsigned long long)cpu_us);
        fflush(stdout);
    }
    free(buf);
    return 0;
}
