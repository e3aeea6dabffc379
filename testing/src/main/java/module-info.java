/**
 * For an application's own tests: an in-memory hub, a no-encryption crypto provider, and a Java
 * extension client that pairs and calls through the real host as the browser extension does.
 */
module dev.bridgekeeper.testing {
    requires transitive dev.bridgekeeper.agent;
    requires transitive dev.bridgekeeper.noise;
    requires org.slf4j;

    exports dev.bridgekeeper.testing;
}
