#!/usr/bin/env python3
"""The Python host the packaged host is compared with: connects to $BRIDGEKEEPER_SOCKET, sends the
hello frame, copies the agent's first frame to stdout, then waits for EOF on stdin. Standard
library only, as a Python native messaging host would be written."""
import json
import os
import socket
import struct
import sys


def frame(obj):
    data = json.dumps(obj, separators=(",", ":")).encode()
    return struct.pack("<I", len(data)) + data


def read_exact(sock, n):
    buf = b""
    while len(buf) < n:
        chunk = sock.recv(n - len(buf))
        if not chunk:
            sys.exit(0)
        buf += chunk
    return buf


def main():
    out = sys.stdout.buffer
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        sock.connect(os.environ["BRIDGEKEEPER_SOCKET"])
    except OSError:
        out.write(frame({"type": "status", "state": "desktop_unavailable"}))
        out.flush()
    else:
        sock.sendall(frame({"type": "hello", "protocol": 1,
                            "host": {"version": "python", "pid": os.getpid()},
                            "caller": {"browser": "chromium", "id": sys.argv[1]}}))
        header = read_exact(sock, 4)
        out.write(header + read_exact(sock, struct.unpack("<I", header)[0]))
        out.flush()
    while sys.stdin.buffer.read1(4096):
        pass


if __name__ == "__main__":
    main()
