/** The native messaging host the browser launches: a relay with no third-party class. */
module dev.bridgekeeper.host {
    requires dev.bridgekeeper.protocol;

    exports dev.bridgekeeper.host;
}
