/**
 * The embeddable desktop side of Bridgekeeper. The API is {@code dev.bridgekeeper.agent}
 * ({@code DesktopBridge} and its parts) and {@code dev.bridgekeeper.ipc} (channels, RPC, events);
 * everything under {@code dev.bridgekeeper.agent.internal} is implementation, reachable only by
 * the project's testing module.
 *
 * <p>An application's typed channels are called reflectively: open the channel's package to
 * {@code dev.bridgekeeper.agent} and, for its parameter and result types, to
 * {@code com.fasterxml.jackson.databind}.
 */
module dev.bridgekeeper.agent {
    requires transitive dev.bridgekeeper.biometrics;
    requires transitive com.fasterxml.jackson.databind;
    requires dev.bridgekeeper.protocol;
    requires dev.bridgekeeper.noise;
    requires com.sun.jna; // libsecret and the Keychain for the sealed keys
    requires com.sun.jna.platform; // DPAPI for the sealed keys on Windows
    requires org.slf4j;

    exports dev.bridgekeeper.agent;
    exports dev.bridgekeeper.ipc;

    exports dev.bridgekeeper.agent.internal.ipc to dev.bridgekeeper.testing;
    exports dev.bridgekeeper.agent.internal.secure to dev.bridgekeeper.testing;
    exports dev.bridgekeeper.agent.internal.transport to dev.bridgekeeper.testing;

    // Jackson binds the protocol's messages and the built-in channel's records.
    opens dev.bridgekeeper.agent.internal to com.fasterxml.jackson.databind;
    opens dev.bridgekeeper.agent.internal.ipc to com.fasterxml.jackson.databind;
    opens dev.bridgekeeper.agent.internal.rpc to com.fasterxml.jackson.databind;
    opens dev.bridgekeeper.agent.internal.secure to com.fasterxml.jackson.databind;
    opens dev.bridgekeeper.ipc to com.fasterxml.jackson.databind;
    // JNA reads the bindings' interfaces reflectively.
    opens dev.bridgekeeper.agent.internal.keystore to com.sun.jna;
}
