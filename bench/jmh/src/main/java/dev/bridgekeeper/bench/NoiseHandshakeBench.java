package dev.bridgekeeper.bench;

import dev.bridgekeeper.noise.CipherStatePair;
import dev.bridgekeeper.noise.HandshakePattern;
import dev.bridgekeeper.noise.HandshakeState;
import dev.bridgekeeper.noise.KeyPair;
import dev.bridgekeeper.noise.NoiseException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** One whole Noise XX handshake, both sides in one thread (three messages, X25519, new ephemerals). */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class NoiseHandshakeBench {
    private static final SecureRandom RANDOM = new SecureRandom();

    final KeyPair initiatorStatic = KeyPair.generate(RANDOM);
    final KeyPair responderStatic = KeyPair.generate(RANDOM);
    final HandshakePattern pattern = HandshakePattern.parse(HandshakePattern.NOISE_XX_25519_AESGCM_SHA256);
    final byte[] prologue = "bridgekeeper/1 chrome-extension://ehcmijlhbioomifbjmghlpklegfgldmf/"
            .getBytes(StandardCharsets.US_ASCII);

    @Benchmark
    public CipherStatePair handshakeXX() throws NoiseException {
        HandshakeState i = HandshakeState.initialize(pattern, true, prologue, initiatorStatic, null, null, null, null);
        HandshakeState r = HandshakeState.initialize(pattern, false, prologue, responderStatic, null, null, null, null);
        r.readMessage(i.writeMessage(null));
        i.readMessage(r.writeMessage(null));
        r.readMessage(i.writeMessage(null));
        r.split().destroy();
        return i.split();
    }
}
