package dev.bridgekeeper.cli.doctor;

import dev.bridgekeeper.agent.internal.registration.Finding;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launch check against the real host in the built jar: proves the doctor's idea of "a valid
 * first frame and a clean exit on EOF" matches what the host does. Runs after packaging
 * (failsafe), so the jar is always there.
 */
@DisabledOnOs(value = OS.WINDOWS, disabledReason = "the launcher is a POSIX shell script")
class RealHostLaunchIT {

    @TempDir(factory = ExistingTmpDir.class)
    Path tmp;

    @Test
    void realHostPassesTheLaunchCheck() throws IOException {
        Path jar = Path.of(System.getProperty("bridgekeeper.jar", "target/bridgekeeper.jar"));
        assertTrue(Files.isRegularFile(jar), "no built jar at " + jar);
        try (JarFile j = new JarFile(jar.toFile())) {
            assertTrue(j.stream().anyMatch(e -> e.getName().startsWith("dev/bridgekeeper/host/") && e.getName().endsWith(".class")),
                    "the jar has the host command");
        }
        DoctorFixture fx = new DoctorFixture(tmp);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // No agent: the host must say desktop_unavailable, then exit on EOF.
        Path launcher = fx.script("bridgekeeper-host", "#!/bin/sh\nBRIDGEKEEPER_SOCKET='" + tmp.resolve("no-agent/agent.sock")
                + "' exec '" + java + "' -jar '" + jar.toAbsolutePath() + "' host \"$@\"\n");
        fx.chromium(launcher);
        fx.firefox(launcher);
        DoctorReport report = new Doctor(fx.linux(), fx.options()).run();
        for (String browser : new String[] {"chromium", "firefox"}) {
            assertTrue(report.about(browser).stream().anyMatch(f -> f.check().equals("launch") && f.status() == Finding.Status.OK),
                    report::toText);
        }
    }
}
