/** Frames, the local socket's address rules and the wire vocabulary (docs/PROTOCOL.md). */
module dev.bridgekeeper.protocol {
    requires jdk.net;

    exports dev.bridgekeeper.protocol;
    exports dev.bridgekeeper.protocol.framing;
    exports dev.bridgekeeper.protocol.local;
}
