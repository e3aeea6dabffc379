package dev.bridgekeeper.faults;

import dev.bridgekeeper.agent.internal.ipc.PairingRecord;
import dev.bridgekeeper.agent.internal.secure.PairingStore;
import dev.bridgekeeper.noise.KeyPair;
import dev.bridgekeeper.testing.TestExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * For bench/memory.sh: starts the real agent ({@link FaultAgentMain}, its own JVM), pairs one
 * connection, sends one large RPC request in {@code secure} pieces and prints the agent's peak
 * resident size (VmHWM from /proc) before and after. One case per run, since VmHWM only rises.
 *
 * <pre>LargeMessageMemory receive|refuse [agent JVM options…]</pre>
 * {@code receive}: a request of just under 64 MiB (the default limit), answered with an error
 * because {@code faults.echo} does not take such a parameter, after being received and parsed
 * whole. {@code refuse}: 64 MiB + 1 MiB, answered {@code too_large}.
 */
public final class LargeMessageMemory {
    static final int LIMIT = 64 * 1024 * 1024;

    private LargeMessageMemory() {}

    public static void main(String[] args) throws Exception {
        boolean refuse = args[0].equals("refuse");
        List<String> jvm = Arrays.asList(args).subList(1, args.length);
        int blob = refuse ? LIMIT + 1024 * 1024 : LIMIT - 4096;
        try (FaultFixture f = new FaultFixture()) {
            KeyPair key = FaultFixture.newKey();
            PairingStore.open(f.dataDir).save(new PairingRecord("m", "Memory", FaultFixture.CALLER, key.publicKey(),
                    Instant.now(), null));
            AgentProcess agent = f.startFaultAgent(jvm);
            TestExtension ext = f.direct(key);
            ext.awaitReady(60);
            ext.call("faults.echo", Map.of("n", 1), 30); // Warm: the RPC path has run once.
            Thread.sleep(500);
            long before = hwmKiB(agent.pid());
            char[] text = new char[blob];
            Arrays.fill(text, 'x');
            String outcome;
            long t0 = System.nanoTime();
            try {
                ext.call("faults.echo", Map.of("n", 1, "blob", new String(text)), 300);
                outcome = "answered";
            } catch (java.util.concurrent.ExecutionException e) {
                outcome = String.valueOf(e.getCause().getMessage());
            }
            long ms = (System.nanoTime() - t0) / 1_000_000;
            Thread.sleep(500);
            long after = hwmKiB(agent.pid());
            System.out.printf("case=%s message_bytes~%d agent_VmHWM_before_KiB=%d agent_VmHWM_after_KiB=%d "
                    + "growth_MiB=%.1f ms=%d outcome=%s%n", args[0], blob + 100, before, after, (after - before) / 1024.0, ms,
                    outcome.length() > 120 ? outcome.substring(0, 120) : outcome);
        }
    }

    static long hwmKiB(long pid) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.replaceAll("\\D", ""));
            }
        }
        throw new IllegalStateException("no VmHWM for " + pid);
    }
}
