/** Noise_XX_25519_AESGCM_SHA256, one class per object of the Noise specification. */
module dev.bridgekeeper.noise {
    requires org.bouncycastle.provider;

    exports dev.bridgekeeper.noise;
}
