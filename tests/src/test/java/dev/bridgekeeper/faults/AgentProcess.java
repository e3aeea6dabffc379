package dev.bridgekeeper.faults;

import dev.bridgekeeper.testing.HostProcess;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A desktop agent as its own OS process, so that it can be killed for real (SIGKILL), stopped
 * (SIGSTOP) and restarted: either the shipped {@code bridgekeeper agent} or {@link FaultAgentMain}.
 * Its stderr (the agent's log) is kept, the last 256 KiB of it, for failure messages.
 */
final class AgentProcess implements AutoCloseable {
    private static final int LOG_KEPT = 256 * 1024;

    private final Process process;
    private final StringBuilder log = new StringBuilder();
    private final CountDownLatch ready = new CountDownLatch(1);

    private AgentProcess(Process process) {
        this.process = process;
        Thread t = new Thread(this::readLog, "test-agent-log-" + process.pid());
        t.setDaemon(true);
        t.start();
    }

    /** The shipped agent: {@code bridgekeeper agent --authenticator none}, pairings approved with the CLI. */
    static AgentProcess reference(Path socket, Path dataDir, String callerId) throws IOException {
        return start(List.of(), Map.of(), "dev.bridgekeeper.cli.Main", List.of("agent", "--socket", socket.toString(),
                "--data-dir", dataDir.toString(), "--allow", callerId, "--authenticator", "none"));
    }

    /** {@link FaultAgentMain} with these arguments (after {@code --socket} and {@code --data-dir}). */
    static AgentProcess fault(Path socket, Path dataDir, List<String> jvmOptions, Map<String, String> env,
            String... args) throws IOException {
        List<String> all = new ArrayList<>(List.of("--socket", socket.toString(), "--data-dir", dataDir.toString()));
        all.addAll(List.of(args));
        return start(jvmOptions, env, FaultAgentMain.class.getName(), all);
    }

    private static AgentProcess start(List<String> jvmOptions, Map<String, String> env, String mainClass,
            List<String> args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(HostProcess.javaBinary());
        cmd.add("-XX:+UseSerialGC");
        cmd.addAll(jvmOptions);
        cmd.add("-cp");
        cmd.add(HostProcess.fullClassPath());
        cmd.add(mainClass);
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.redirectInput(ProcessBuilder.Redirect.PIPE); // No terminal: pairings are approved with the CLI.
        pb.environment().putAll(env);
        return new AgentProcess(pb.start());
    }

    private void readLog() {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                synchronized (log) {
                    log.append(line).append('\n');
                    if (log.length() > LOG_KEPT) {
                        log.delete(0, log.length() - LOG_KEPT / 2);
                    }
                }
                if (line.contains("ready on ")) {
                    ready.countDown();
                }
            }
        } catch (IOException ignored) {
            // The process ended.
        }
    }

    /** Waits until the agent serves; fails with its log if it exits or takes longer than 60 s. */
    AgentProcess awaitReady() throws InterruptedException {
        for (int i = 0; i < 600 && ready.getCount() > 0; i++) {
            if (ready.await(100, TimeUnit.MILLISECONDS)) {
                break;
            }
            if (!process.isAlive()) {
                throw new AssertionError("the agent exited with " + process.exitValue() + " before serving:\n" + log());
            }
        }
        if (ready.getCount() > 0) {
            throw new AssertionError("the agent did not start within 60 s:\n" + log());
        }
        return this;
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** SIGKILL, as a crash or the OOM killer would: no shutdown hook runs. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new AssertionError("the agent survived SIGKILL for 30 s");
        }
    }

    /** SIGTERM: the agent's shutdown hook closes it cleanly. Returns the exit code. */
    int stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new AssertionError("the agent did not stop within 30 s of SIGTERM:\n" + log());
        }
        return process.exitValue();
    }

    /** SIGSTOP: the process is frozen (its sockets stay open, nothing is served). */
    void suspend() throws Exception {
        signal("STOP");
        // kill returns once the signal is queued; every thread of the JVM stops a moment later.
        // A loaded machine makes that moment long enough for the agent to act on what the test
        // does next, so wait until each thread is seen stopped.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!allThreadsStopped()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("agent " + process.pid() + " did not stop within 30 s of SIGSTOP");
            }
            Thread.sleep(5);
        }
    }

    private boolean allThreadsStopped() {
        java.nio.file.Path tasks = java.nio.file.Path.of("/proc", Long.toString(process.pid()), "task");
        try (var threads = java.nio.file.Files.list(tasks)) {
            for (java.nio.file.Path t : threads.toList()) {
                String stat = java.nio.file.Files.readString(t.resolve("stat"));
                char state = stat.charAt(stat.lastIndexOf(')') + 2);
                if (state != 'T' && state != 't') {
                    return false;
                }
            }
            return true;
        } catch (java.io.IOException e) {
            return false; // a thread ended while we looked: look again
        }
    }

    /** SIGCONT after {@link #suspend()}. */
    void resume() throws Exception {
        signal("CONT");
    }

    private void signal(String name) throws Exception {
        Process k = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
        if (!k.waitFor(10, TimeUnit.SECONDS) || k.exitValue() != 0) {
            throw new AssertionError("kill -" + name + " " + process.pid() + " failed");
        }
    }

    String log() {
        synchronized (log) {
            return log.toString();
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }
}
