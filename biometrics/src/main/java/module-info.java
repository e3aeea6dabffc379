/**
 * Verifying the user with the operating system. The API is {@code dev.bridgekeeper.biometrics};
 * the JNA bindings (polkit, Windows Hello, Touch ID) are implementation.
 */
module dev.bridgekeeper.biometrics {
    requires com.sun.jna;
    requires com.sun.jna.platform;
    requires org.slf4j;

    exports dev.bridgekeeper.biometrics;

    // JNA reads and writes the fields of the bindings' structures reflectively.
    opens dev.bridgekeeper.biometrics.internal.polkit to com.sun.jna;
    opens dev.bridgekeeper.biometrics.internal.windows to com.sun.jna;
    opens dev.bridgekeeper.biometrics.internal.macos to com.sun.jna;
}
