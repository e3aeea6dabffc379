package dev.bridgekeeper.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bridgekeeper.cli.doctor.ExistingTmpDir;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code java -jar bridgekeeper.jar host ...} must start like the small host jar: Main hands the
 * word {@code host} over before picocli, logging, JSON, crypto or JNA load. Checked on the built
 * jar with the JVM's own class-loading log; the same check on {@code version} proves the log
 * would show picocli if it were loaded.
 */
@DisabledOnOs(value = OS.WINDOWS, disabledReason = "a Unix socket path for the absent agent")
class HostDispatchIT {
    private static final List<String> NOT_ON_THE_HOST_PATH = List.of(
            "picocli.", "com.fasterxml.", "org.slf4j.", "org.bouncycastle.", "com.sun.jna.");

    @TempDir(factory = ExistingTmpDir.class)
    Path tmp;

    @Test
    void hostLoadsNoneOfTheOtherCommandsLibraries() throws Exception {
        List<String> loaded = classesLoaded("host", "chrome-extension://aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/");
        assertTrue(loaded.contains("dev.bridgekeeper.host.HostMain"), "the host ran");
        assertTrue(Files.readString(tmp.resolve("out"), java.nio.charset.StandardCharsets.ISO_8859_1)
                .contains("desktop_unavailable"), () -> read(tmp.resolve("err")));
        for (String prefix : NOT_ON_THE_HOST_PATH) {
            List<String> found = loaded.stream().filter(c -> c.startsWith(prefix)).toList();
            assertEquals(List.of(), found, "the host path loaded " + prefix + "*");
        }
    }

    @Test
    void behindAGlobalOptionTheHostStillRunsWithEveryBrowserArgument() throws Exception {
        List<String> loaded = classesLoaded("--verbose", "host", "chrome-extension://aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/",
                "--parent-window=0");
        assertTrue(loaded.contains("dev.bridgekeeper.host.HostMain"), "the host ran");
        // No agent: the host answers the extension with one frame saying so, then ends on EOF.
        assertTrue(Files.readString(tmp.resolve("out"), java.nio.charset.StandardCharsets.ISO_8859_1)
                .contains("desktop_unavailable"), () -> read(tmp.resolve("err")));
    }

    @Test
    void theLogShowsPicocliWhenAnotherCommandRuns() throws Exception {
        List<String> loaded = classesLoaded("version");
        assertTrue(loaded.contains("picocli.CommandLine"), "picocli parses every command but host");
    }

    /** Runs the jar with stdin at EOF and no agent; returns the classes the JVM loaded, in order. */
    private List<String> classesLoaded(String... args) throws IOException, InterruptedException {
        Path jar = Path.of(System.getProperty("bridgekeeper.jar", "target/bridgekeeper.jar")).toAbsolutePath();
        assertTrue(Files.isRegularFile(jar), "no built jar at " + jar);
        Path log = tmp.resolve("classes.log");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xlog:class+load=info:file=" + log, "-jar", jar.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .redirectInput(ProcessBuilder.Redirect.from(Files.writeString(tmp.resolve("empty"), "").toFile()))
                .redirectOutput(tmp.resolve("out").toFile())
                .redirectError(tmp.resolve("err").toFile());
        pb.environment().put("BRIDGEKEEPER_SOCKET", tmp.resolve("no-agent/agent.sock").toString());
        Process p = pb.start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the process did not end on EOF");
        assertEquals(0, p.exitValue(), () -> read(tmp.resolve("err")));
        List<String> classes = new ArrayList<>();
        for (String line : Files.readAllLines(log)) {
            // [0.012s][info][class,load] java.lang.Object source: shared objects file
            int at = line.indexOf("[class,load] ");
            if (at >= 0) {
                String rest = line.substring(at + "[class,load] ".length());
                classes.add(rest.substring(0, rest.indexOf(' ') < 0 ? rest.length() : rest.indexOf(' ')));
            }
        }
        assertTrue(classes.contains("java.lang.Object"), "the class-load log is readable: " + log);
        return classes;
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            return e.toString();
        }
    }
}
