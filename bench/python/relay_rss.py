#!/usr/bin/env python3
"""Memory of a host while it relays: spawns CMD over pipes (as a browser does), waits for its first
frame, relays FRAMES frames of SIZE bytes through it to the echo agent and back, then prints
"<VmRSS KiB> <VmHWM KiB> <Threads>" read from /proc/<pid>/status while the connection is still open.

usage: relay_rss.py FRAMES SIZE -- CMD ARGS...   (BRIDGEKEEPER_SOCKET names a running echo agent)"""
import os
import struct
import subprocess
import sys


def read_exact(stream, n):
    data = stream.read(n)
    if len(data) != n:
        sys.exit(f"relay_rss: the host closed its output early ({len(data)} of {n} bytes)")
    return data


def read_frame(stream):
    return read_exact(stream, struct.unpack("<I", read_exact(stream, 4))[0])


def status(pid):
    fields = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            key, _, value = line.partition(":")
            fields[key] = value.split()[0] if value.split() else ""
    return fields


def main():
    frames, size = int(sys.argv[1]), int(sys.argv[2])
    cmd = sys.argv[sys.argv.index("--") + 1:]
    child = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    first = read_frame(child.stdout)
    if b'"connected"' not in first:
        sys.exit(f"relay_rss: expected status/connected, got {first[:200]!r}")
    body = b'{"type":"ping","pad":"' + b"x" * max(0, size - 24) + b'"}'
    frame = struct.pack("<I", len(body)) + body
    for _ in range(frames):
        child.stdin.write(frame)
        child.stdin.flush()
        read_frame(child.stdout)
    s = status(child.pid)
    print(s["VmRSS"], s["VmHWM"], s["Threads"])
    child.stdin.close()
    child.wait(timeout=30)


if __name__ == "__main__":
    main()
