package dev.bridgekeeper.cli.doctor;

import static dev.bridgekeeper.cli.doctor.DoctorFixture.STATUS_FRAME;
import static dev.bridgekeeper.cli.doctor.DoctorFixture.frame;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** What the doctor accepts on a launcher's stdout: frames as browsers read them. */
class LauncherProbeTest {

    private static LauncherProbe.FrameRead read(byte[]... parts) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            all.write(p);
        }
        return LauncherProbe.readFrames(new ByteArrayInputStream(all.toByteArray()));
    }

    @Test
    void oneOrMoreWholeFrames() throws IOException {
        LauncherProbe.FrameRead one = read(frame(STATUS_FRAME));
        assertNull(one.error());
        assertEquals("status", one.first().get("type").asText());
        LauncherProbe.FrameRead two = read(frame(STATUS_FRAME), frame("{\"type\":\"error\",\"code\":\"internal\"}"));
        assertNull(two.error());
        assertEquals(2, two.frames());
    }

    @Test
    void badOutputsAreNamed() throws IOException {
        assertTrue(read().error().contains("without writing a frame"));
        assertTrue(read(new byte[] {5, 0}).error().contains("not a frame"));
        assertTrue(read(new byte[] {0, 0, 0, 0}).error().contains("announces 0 bytes"));
        assertTrue(read(new byte[] {1, 0, 0x10, 0}, new byte[10]).error().contains("announces 1048577 bytes"));
        assertTrue(read(new byte[] {50, 0, 0, 0}, "{}".getBytes(StandardCharsets.UTF_8)).error().contains("only 2 came"));
        assertTrue(read(frame("not json")).error().contains("not JSON"));
        assertTrue(read(frame("{\"state\":\"x\"}")).error().contains("with a \"type\""));
        assertTrue(read(frame(STATUS_FRAME), "junk".getBytes(StandardCharsets.UTF_8)).error().contains("not a frame"));
        assertTrue(read(frame(STATUS_FRAME), new byte[] {1}).error().contains("stray bytes"));
        assertTrue(read(new byte[] {2, 0, 0, 0, (byte) 0xC3, (byte) 0x28}).error().contains("not UTF-8"));
    }
}
