package dev.bridgekeeper.bench;

import dev.bridgekeeper.noise.CipherState;
import dev.bridgekeeper.noise.DecryptFailedException;
import java.security.SecureRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Noise transport messages (PROTOCOL.md §4): AES-256-GCM encrypt and decrypt of one message with
 * the project's {@link CipherState}, from a small message to the largest piece (65,519 bytes).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class NoiseTransportBench {
    private static final byte[] NO_AD = new byte[0];
    private static final SecureRandom RANDOM = new SecureRandom();

    @Param({"256", "16384", "65519"})
    int size;

    CipherState encryptor;
    CipherState decryptor;
    byte[] plaintext;
    byte[] ciphertext;
    byte[] out;

    @Setup
    public void setUp() {
        byte[] key = new byte[CipherState.KEY_LENGTH];
        RANDOM.nextBytes(key);
        encryptor = new CipherState();
        encryptor.initializeKey(key.clone());
        CipherState first = new CipherState();
        first.initializeKey(key.clone());
        decryptor = new CipherState();
        decryptor.initializeKey(key);
        plaintext = Payloads.jsonObject(size);
        ciphertext = first.encryptWithAd(NO_AD, plaintext); // nonce 0
        out = new byte[size + CipherState.TAG_LENGTH];
    }

    @Benchmark
    public int encrypt() {
        return encryptor.encryptWithAd(NO_AD, plaintext, 0, plaintext.length, out, 0);
    }

    @Benchmark
    public int decrypt() throws DecryptFailedException {
        decryptor.setNonce(0);
        return decryptor.decryptWithAd(NO_AD, ciphertext, 0, ciphertext.length, out, 0);
    }
}
