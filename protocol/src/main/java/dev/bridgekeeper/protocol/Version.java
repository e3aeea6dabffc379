package dev.bridgekeeper.protocol;

/** Product and protocol version, shared by the host's hello and the agent's handshake payload. */
public final class Version {
    private Version() {}

    /** The product version. */
    public static final String VERSION = "0.1.0";
    /** The wire protocol version of PROTOCOL.md (from vocabulary.json). */
    public static final int PROTOCOL = Vocabulary.PROTOCOL_VERSION;
}
