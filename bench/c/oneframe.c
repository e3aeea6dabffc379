/* bk-oneframe: the machine's floor for a native messaging host. Writes one status frame to
 * stdout, then waits for EOF on stdin and exits 0, as the host does with no agent running. */
#include "bk.h"

int main(void) {
    static const char msg[] = "{\"type\":\"status\",\"state\":\"desktop_unavailable\",\"detail\":\"floor\"}";
    unsigned char f[4 + sizeof msg];
    bk_put_len(f, sizeof msg - 1);
    memcpy(f + 4, msg, sizeof msg - 1);
    bk_write_full(1, f, 4 + sizeof msg - 1);
    char sink[4096];
    while (read(0, sink, sizeof sink) > 0) {
    }
    return 0;
}
