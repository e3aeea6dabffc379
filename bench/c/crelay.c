/* bk-crelay: the relay floor. Does the host's job in C for the benchmarks: takes the caller from
 * argv like the host, connects to $BRIDGEKEEPER_SOCKET, sends hello, then forwards whole frames
 * (length prefix checked, then copied verbatim) stdin -> socket and socket -> stdout on two
 * threads. With no agent it writes status/desktop_unavailable and waits for EOF. Exits 0 on EOF of
 * stdin. No reconnect, no peer check: a floor, not a product. */
#include "bk.h"
#include <pthread.h>

#define RELAY_LIMIT (1024u * 1024u)

static void write_text_frame(int fd, const char *json) {
    size_t n = strlen(json);
    unsigned char *f = malloc(4 + n);
    if (!f) bk_die("malloc");
    bk_put_len(f, (uint32_t)n);
    memcpy(f + 4, json, n);
    bk_write_full(fd, f, 4 + n);
    free(f);
}

/* Copies frames from `from` to `to` until EOF; the frame keeps its prefix, so one write each. */
static void pump(int from, int to) {
    unsigned char *buf = malloc(4 + RELAY_LIMIT);
    if (!buf) bk_die("malloc");
    for (;;) {
        size_t got = bk_read_full(from, buf, 4);
        if (got < 4) break;
        uint32_t n = bk_get_len(buf);
        if (n == 0 || n > RELAY_LIMIT) bk_fail("frame length out of range%s", "");
        if (bk_read_full(from, buf + 4, n) < n) break;
        bk_write_full(to, buf, 4 + (size_t)n);
    }
    free(buf);
}

static int sock_fd;

static void *agent_to_browser(void *arg) {
    (void)arg;
    pump(sock_fd, 1);
    write_text_frame(1, "{\"type\":\"status\",\"state\":\"desktop_unavailable\",\"detail\":\"desktop app went away\"}");
    return NULL;
}

int main(int argc, char **argv) {
    signal(SIGPIPE, SIG_IGN);
    const char *path = getenv("BRIDGEKEEPER_SOCKET");
    if (argc < 2 || !path) {
        fprintf(stderr, "usage: BRIDGEKEEPER_SOCKET=PATH bk-crelay chrome-extension://<id>/\n");
        return 2;
    }
    for (const char *c = argv[1]; *c; c++) {
        if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789:/._-@{}", *c)) {
            fprintf(stderr, "bk-crelay: refusing a caller id with unexpected characters\n");
            return 2;
        }
    }
    struct sockaddr_un a = {.sun_family = AF_UNIX};
    if (strlen(path) >= sizeof a.sun_path) bk_fail("socket path too long: %s", path);
    strcpy(a.sun_path, path);
    sock_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (sock_fd < 0) bk_die("socket");
    if (connect(sock_fd, (struct sockaddr *)&a, sizeof a)) {
        write_text_frame(1, "{\"type\":\"status\",\"state\":\"desktop_unavailable\",\"detail\":\"desktop app is not running\"}");
        char sink[4096];
        while (read(0, sink, sizeof sink) > 0) {
        }
        return 0;
    }
    char hello[512];
    snprintf(hello, sizeof hello,
             "{\"type\":\"hello\",\"protocol\":1,\"host\":{\"version\":\"c-relay\",\"pid\":%ld},"
             "\"caller\":{\"browser\":\"chromium\",\"id\":\"%.200s\"}}", (long)getpid(), argv[1]);
    write_text_frame(sock_fd, hello);
    pthread_t t;
    if (pthread_create(&t, NULL, agent_to_browser, NULL)) bk_die("pthread_create");
    pump(0, sock_fd);
    _exit(0);
}
