package dev.bridgekeeper.biometrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class BiometricsCheckTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) throws Exception {
        return BiometricsCheck.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void verifiesWithTheChosenMethod() throws Exception {
        assertEquals(0, run("--method", "none", "verify", "--timeout", "5"));
        assertEquals("method: none\nstatus: not_enabled (biometric unlock is turned off on this desktop)\n"
                + "outcome: UNAVAILABLE (biometric unlock is turned off on this desktop)\n",
                out.toString(StandardCharsets.UTF_8).replaceAll("took: \\d+ ms\n", ""));
    }

    @Test
    void badUsageExitsWithTwo() throws Exception {
        assertEquals(2, run("--method"));
        assertEquals(2, run("frobnicate"));
        assertEquals(2, run("--timeout", "soon", "verify"));
        assertEquals(2, run());
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("usage: BiometricsCheck"));
    }
}
