package dev.bridgekeeper.cli.doctor;

import dev.bridgekeeper.agent.internal.registration.Finding;
import dev.bridgekeeper.agent.internal.registration.HostOs;
import dev.bridgekeeper.agent.internal.registration.Text;
import com.fasterxml.jackson.databind.JsonNode;
import dev.bridgekeeper.cli.AdminClient;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import dev.bridgekeeper.protocol.local.SocketPaths;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/** Checks of the desktop side: the agent's socket and (Linux) the polkit action. */
final class AgentChecks {
    private AgentChecks() {}

    static final String POLKIT_ACTION = "dev.bridgekeeper.unlock";
    /** How long the doctor waits for a running agent's admin answer. */
    static final int STATUS_TIMEOUT_SECONDS = 5;
    static final String POLKIT_FILE = "/usr/share/polkit-1/actions/" + POLKIT_ACTION + ".policy";

    /** The agent's default socket path on the environment's OS: the rules of {@link SocketPaths}. */
    static Path defaultSocketPath(DoctorEnvironment env) {
        return socketPath(env, SocketPaths.DEFAULT_HOST_NAME);
    }

    /** Product {@code hostName}'s socket path on the environment's OS: the rules of {@link SocketPaths}. */
    static Path socketPath(DoctorEnvironment env, String hostName) {
        String osName;
        switch (env.os()) {
            case WINDOWS:
                osName = "Windows";
                break;
            case MACOS:
                osName = "Mac OS X";
                break;
            default:
                osName = "Linux";
        }
        String user = env.getenv("USER") != null ? env.getenv("USER") : System.getProperty("user.name");
        if (env.os() == HostOs.WINDOWS && env.getenv("LOCALAPPDATA") == null) {
            return SocketPaths.resolve(name -> name.equals("LOCALAPPDATA")
                    ? env.home().resolve("AppData/Local").toString() : env.getenv(name), osName, user, hostName);
        }
        return SocketPaths.resolve(env::getenv, osName, user, hostName);
    }

    /** Is an agent listening? Connects and closes at once, sending nothing. */
    static List<Finding> socket(DoctorEnvironment env, Path socketOverride, String hostName) {
        return socket(env, socketOverride, hostName, List.of());
    }

    /**
     * Is the product's agent listening, and does it allow {@code expectedCallers} (the callers the
     * manifests allow)? An agent that refuses them answers every connection with not_allowed.
     */
    static List<Finding> socket(DoctorEnvironment env, Path socketOverride, String hostName,
                                List<String> expectedCallers) {
        Path socket = socketOverride != null ? socketOverride : socketPath(env, hostName);
        List<Finding> out = new ArrayList<>();
        String start = "start the desktop application, or run 'bridgekeeper agent'";
        if (!Files.exists(socket)) {
            out.add(Finding.warn("agent", "socket", "no agent socket at " + socket
                    + "; the host will tell the extension 'desktop_unavailable' until an agent starts", start));
            return out;
        }
        checkFolderPrivacy(socket, out);
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(socket));
            out.add(Finding.ok("agent", "socket", "an agent is listening on " + socket));
        } catch (IOException | UnsupportedOperationException e) {
            out.add(Finding.warn("agent", "socket", socket + " exists but nobody answers ("
                    + Text.printable(String.valueOf(e.getMessage()), 120) + "): a stale socket from an agent that stopped",
                    start + "; it replaces the stale socket"));
            return out;
        }
        if (!expectedCallers.isEmpty()) {
            out.add(allowList(socket, expectedCallers));
        }
        return out;
    }

    /** Asks the running agent (admin {@code status}) which callers it allows. */
    private static Finding allowList(Path socket, List<String> expected) {
        JsonNode status;
        // Something that accepts connections but never answers (not an agent, or a hung one) must
        // not hang the doctor: the question gets a bounded wait on its own thread.
        java.util.concurrent.FutureTask<JsonNode> ask = new java.util.concurrent.FutureTask<>(() -> {
            try (AdminClient admin = AdminClient.connect(socket)) {
                return admin.call("status", null);
            }
        });
        Thread t = new Thread(ask, "doctor-agent-status");
        t.setDaemon(true);
        t.start();
        try {
            status = ask.get(STATUS_TIMEOUT_SECONDS, java.util.concurrent.TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            ask.cancel(true);
            return Finding.warn("agent", "allowed", "the program on " + socket + " did not answer the admin 'status'"
                    + " question within " + STATUS_TIMEOUT_SECONDS + " s, so which extensions it allows is unknown",
                    "restart the agent");
        } catch (java.util.concurrent.ExecutionException e) {
            return Finding.warn("agent", "allowed", "could not ask the agent which extensions it allows: "
                    + Text.printable(String.valueOf(e.getCause().getMessage()), 160), null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Finding.warn("agent", "allowed", "interrupted while asking the agent", null);
        }
        JsonNode allowed = status.path("allowedCallers");
        if (!allowed.isArray()) {
            return Finding.info("agent", "allowed", "the agent is too old to report which extensions it allows");
        }
        List<String> have = new ArrayList<>();
        allowed.forEach(n -> have.add(n.asText()));
        List<String> missing = new ArrayList<>();
        for (String c : expected) {
            if (!have.contains(c)) {
                missing.add(c);
            }
        }
        if (missing.isEmpty()) {
            return Finding.ok("agent", "allowed", "the agent allows every extension the manifests allow");
        }
        StringBuilder fix = new StringBuilder("restart the agent allowing them: bridgekeeper agent");
        for (String c : expected) {
            fix.append(" --allow ").append(c);
        }
        return Finding.fail("agent", "allowed", "the running agent does not allow " + String.join(", ", missing)
                + " (it allows " + (have.isEmpty() ? "nothing" : String.join(", ", have))
                + "), so it answers them not_allowed", fix.toString());
    }

    /** The socket's folder should be reachable by its owner only; other users must not connect. */
    private static void checkFolderPrivacy(Path socket, List<Finding> out) {
        Path dir = socket.toAbsolutePath().getParent();
        if (dir == null) {
            return;
        }
        try {
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(dir);
            Set<PosixFilePermission> others = EnumSet.of(PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE,
                    PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE,
                    PosixFilePermission.OTHERS_EXECUTE);
            others.retainAll(perms);
            if (!others.isEmpty() && !dir.equals(Path.of("/tmp"))) {
                out.add(Finding.warn("agent", "socket-folder", "the socket's folder " + dir + " is open to other users ("
                        + java.nio.file.attribute.PosixFilePermissions.toString(perms) + ")",
                        "chmod 700 '" + dir + "' (the agent should create it that way)"));
            }
        } catch (UnsupportedOperationException | IOException e) {
            // Not a POSIX file system (Windows): ACLs protect the per-user folder.
        }
    }

    /** Linux: the polkit action the agent asks for biometric/password unlock. */
    static List<Finding> polkit(DoctorEnvironment env) {
        Path file = env.system(POLKIT_FILE);
        String fix = "run " + Text.installCommand(SocketPaths.DEFAULT_HOST_NAME, "--polkit")
                + " (it asks for root: polkit reads actions only from /usr/share/polkit-1/actions)";
        if (!Files.isRegularFile(file)) {
            return List.of(Finding.warn("polkit", "action", "polkit action " + POLKIT_ACTION + " is not installed (" + file
                    + " is missing): unlock reports 'setup_needed'", fix));
        }
        try {
            String text = Files.readString(file);
            if (!text.contains("\"" + POLKIT_ACTION + "\"")) {
                return List.of(Finding.warn("polkit", "action", file + " does not define the action " + POLKIT_ACTION, fix));
            }
        } catch (IOException e) {
            return List.of(Finding.warn("polkit", "action", "cannot read " + file + ": " + Text.printable(String.valueOf(e.getMessage()), 120),
                    fix));
        }
        return List.of(Finding.ok("polkit", "action", "polkit action " + POLKIT_ACTION + " is installed"));
    }
}
