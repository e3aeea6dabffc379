/* bk-relaybench: round-trip latency and throughput of frames through a relay to an echo agent.
 *
 * usage: bk-relaybench -m latency|throughput -s SIZE -n COUNT [-w WARMUP] [-r TRIALS] [-p BYTES]
 *                      (-d SOCKET | -- CMD ARGS...)
 *   -d SOCKET     talk to the agent directly (the floor): connect, send hello, expect connected
 *   -p BYTES      pipe capacity for the spawned relay (default: the kernel's 64 KiB, as browsers)
 *   -- CMD ARGS   spawn a relay (the host, or bk-crelay) over pipes as a browser does and expect
 *                 its first frame to be status/connected
 * latency:    WARMUP then COUNT round trips of one SIZE-byte frame, one outstanding; prints
 *             percentiles of the round-trip time in µs.
 * throughput: TRIALS times, a writer thread sends COUNT frames while the reader takes the echoes;
 *             prints payload MiB/s in each direction (COUNT*SIZE / time of the trial).
 * Output: one line of key=value pairs. Exits non-zero on any error or wrong echo. */
#include "bk.h"
#include <pthread.h>

static int rd_fd, wr_fd;
static unsigned char *frame;
static size_t frame_size;
static long frame_count;

static void *writer(void *arg) {
    (void)arg;
    for (long i = 0; i < frame_count; i++) bk_write_full(wr_fd, frame, 4 + frame_size);
    return NULL;
}

static void expect_connected(unsigned char **buf, size_t *cap) {
    if (!bk_wait_readable(rd_fd, 15000)) bk_fail("no status within 15 s%s", "");
    long n = bk_read_frame(rd_fd, buf, cap);
    if (n < 0 || !memmem(*buf, (size_t)n, "\"connected\"", 11)) {
        fprintf(stderr, "bk-relaybench: expected status/connected, got %.*s\n", n < 0 ? 0 : (int)(n > 200 ? 200 : n), *buf);
        exit(1);
    }
}

int main(int argc, char **argv) {
    const char *mode = "latency", *direct = NULL;
    long warmup = 1000;
    int trials = 5, opt;
    frame_size = 128;
    frame_count = 10000;
    while ((opt = getopt(argc, argv, "+m:s:n:w:r:d:p:")) != -1) {
        switch (opt) {
            case 'm': mode = optarg; break;
            case 's': frame_size = (size_t)atol(optarg); break;
            case 'n': frame_count = atol(optarg); break;
            case 'w': warmup = atol(optarg); break;
            case 'r': trials = atoi(optarg); break;
            case 'd': direct = optarg; break;
            case 'p': bk_pipe_bytes = atoi(optarg); break;
            default: fprintf(stderr, "see the comment at the top of relaybench.c\n"); return 2;
        }
    }
    if (!direct && optind >= argc) bk_fail("give -d SOCKET or -- CMD%s", "");
    signal(SIGPIPE, SIG_IGN);
    unsigned char *buf = NULL;
    size_t cap = 0;
    pid_t child = 0;
    if (direct) {
        rd_fd = wr_fd = bk_connect_unix(direct);
        static const char hello[] = "{\"type\":\"hello\",\"protocol\":1,\"host\":{\"version\":\"bench\",\"pid\":1},"
                                    "\"caller\":{\"browser\":\"chromium\",\"id\":\"chrome-extension://ehcmijlhbioomifbjmghlpklegfgldmf/\"}}";
        unsigned char h[4 + sizeof hello];
        bk_put_len(h, sizeof hello - 1);
        memcpy(h + 4, hello, sizeof hello - 1);
        bk_write_full(wr_fd, h, 4 + sizeof hello - 1);
    } else {
        bk_child c = bk_spawn(argv + optind, getenv("BK_RELAY_STDERR"));
        child = c.pid;
        rd_fd = c.from_child;
        wr_fd = c.to_child;
    }
    expect_connected(&buf, &cap);
    frame = bk_make_frame(frame_size);

    if (strcmp(mode, "latency") == 0) {
        uint64_t *rtt = malloc(sizeof(uint64_t) * (size_t)frame_count);
        if (!rtt) bk_die("malloc");
        for (long i = -warmup; i < frame_count; i++) {
            uint64_t t0 = bk_now_ns();
            bk_write_full(wr_fd, frame, 4 + frame_size);
            long n = bk_read_frame(rd_fd, &buf, &cap);
            uint64_t t1 = bk_now_ns();
            if (n != (long)frame_size || memcmp(buf, frame + 4, frame_size) != 0) bk_fail("wrong echo%s", "");
            if (i >= 0) rtt[i] = t1 - t0;
        }
        qsort(rtt, (size_t)frame_count, sizeof *rtt, bk_cmp_u64);
        double sum = 0;
        for (long i = 0; i < frame_count; i++) sum += (double)rtt[i];
        printf("mode=latency size=%zu n=%ld median_us=%.1f p99_us=%.1f p10_us=%.1f p90_us=%.1f min_us=%.1f max_us=%.1f mean_us=%.1f\n",
               frame_size, frame_count, bk_pct(rtt, frame_count, 50) / 1e3, bk_pct(rtt, frame_count, 99) / 1e3,
               bk_pct(rtt, frame_count, 10) / 1e3, bk_pct(rtt, frame_count, 90) / 1e3, rtt[0] / 1e3,
               rtt[frame_count - 1] / 1e3, sum / frame_count / 1e3);
        free(rtt);
    } else if (strcmp(mode, "throughput") == 0) {
        double *mibps = malloc(sizeof(double) * (size_t)(trials + 1));
        if (!mibps) bk_die("malloc");
        for (int t = -1; t < trials; t++) { /* trial -1 warms up */
            uint64_t t0 = bk_now_ns();
            pthread_t w;
            if (pthread_create(&w, NULL, writer, NULL)) bk_die("pthread_create");
            for (long i = 0; i < frame_count; i++) {
                long n = bk_read_frame(rd_fd, &buf, &cap);
                if (n != (long)frame_size || buf[n - 1] != '}') bk_fail("wrong echo%s", "");
            }
            uint64_t t1 = bk_now_ns();
            pthread_join(w, NULL);
            if (t >= 0) mibps[t] = (double)frame_count * (double)frame_size / (1024.0 * 1024.0) / ((t1 - t0) / 1e9);
        }
        /* sort the trials (few) */
        for (int i = 1; i < trials; i++)
            for (int j = i; j > 0 && mibps[j - 1] > mibps[j]; j--) {
                double x = mibps[j]; mibps[j] = mibps[j - 1]; mibps[j - 1] = x;
            }
        printf("mode=throughput size=%zu n=%ld trials=%d median_MiBps=%.0f min_MiBps=%.0f max_MiBps=%.0f\n",
               frame_size, frame_count, trials, mibps[trials / 2], mibps[0], mibps[trials - 1]);
        free(mibps);
    } else {
        bk_fail("unknown mode %s", mode);
    }
    if (child) {
        close(wr_fd);
        int status = bk_reap(child, 5000);
        if (status != 0) { fprintf(stderr, "bk-relaybench: relay exited with %d\n", status); return 1; }
    }
    return 0;
}
