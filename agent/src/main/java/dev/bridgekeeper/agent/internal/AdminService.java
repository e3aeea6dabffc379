package dev.bridgekeeper.agent.internal;


import dev.bridgekeeper.agent.internal.ipc.JsonLimits;
import dev.bridgekeeper.protocol.framing.Frames;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bridgekeeper.protocol.framing.FrameException;
import dev.bridgekeeper.ipc.Endpoint;
import dev.bridgekeeper.agent.internal.ipc.PairingRecord;
import dev.bridgekeeper.agent.internal.secure.PairingCodes;
import dev.bridgekeeper.agent.PairingRequest;
import dev.bridgekeeper.agent.internal.transport.LocalConnection;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves admin connections: the {@code bridgekeeper pairings|lock|unlock|status} commands talking
 * to a running agent over its own socket. The socket admits only the agent's own OS user, which is
 * the trust boundary here (such a user can already read the agent's memory). PROTOCOL.md §7.
 *
 * <p>Requests: {@code {"type":"admin.request","command":C,"arg":A?}}; answers
 * {@code {"type":"admin.response","ok":true,"result":R}} or {@code {..."ok":false,"error":E}}.
 */
public final class AdminService {
    private static final Logger log = LoggerFactory.getLogger(AdminService.class);

    private final AgentControl bridge;
    private final ObjectMapper json = JsonLimits.mapper(Frames.DEFAULT_MAX_FRAME);

    public AdminService(AgentControl bridge) {
        this.bridge = bridge;
    }

    public void serve(LocalConnection lc, SocketBackend.FrameChannel io) {
        log.info("admin connection {} opened", lc.id());
        try {
            String text;
            while ((text = io.reader().readJsonText()) != null) {
                ObjectNode answer = json.createObjectNode();
                answer.put("type", "admin.response");
                try {
                    JsonNode req = json.readTree(text);
                    if (!"admin.request".equals(req.path("type").asText())) {
                        throw new IllegalArgumentException("expected an admin.request");
                    }
                    answer.put("ok", true);
                    answer.set("result", handle(req.path("command").asText(""), req.path("arg").asText(null)));
                } catch (IllegalArgumentException | IOException e) {
                    answer.put("ok", false);
                    answer.put("error", e.getMessage());
                }
                io.writer().write(json.writeValueAsBytes(answer));
            }
        } catch (FrameException e) {
            log.info("admin connection {}: bad frame: {}", lc.id(), e.getMessage());
        } catch (IOException e) {
            // The CLI went away.
        }
    }

    /**
     * Whether an approved pairing was saved. The session saves it as the approval arrives, almost
     * always on this very thread before {@code approve} returns; otherwise it is in the store as
     * soon as the save is done, and the connection ends if the save failed.
     */
    private boolean awaitSaved(PairingRequest request) {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        Endpoint conn = Endpoint.connection(request.connectionId());
        while (true) {
            boolean open = bridge.ipc().connections().stream().anyMatch(s -> s.endpoint().equals(conn));
            if (bridge.pairingStore().findByFingerprint(request.keyFingerprint()).isPresent()) {
                return true;
            }
            if (!open || System.nanoTime() > end) {
                return false;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
    }

    private JsonNode handle(String command, String arg) {
        ObjectNode r = json.createObjectNode();
        switch (command) {
            case "status":
                r.put("locked", bridge.keyVault().isLocked());
                r.put("connections", bridge.ipc().connections().size());
                r.put("pairings", bridge.pairingStore().list().size());
                r.put("pending", bridge.pendingPairings().list().size());
                r.put("socket", bridge.socketPath().toString());
                r.put("hostName", bridge.hostName());
                ArrayNode allowed = r.putArray("allowedCallers");
                bridge.allowedCallers().forEach(allowed::add);
                r.put("keyStorage", bridge.keyStorage());
                bridge.pairingStore().rejection().ifPresent(why -> r.put("pairingStoreRejected", why));
                return r;
            case "pairings.list":
                ArrayNode pending = r.putArray("pending");
                for (PairingRequest p : bridge.pendingPairings().list()) {
                    ObjectNode n = pending.addObject();
                    n.put("connection", p.connectionId());
                    n.put("name", p.extensionName());
                    n.put("version", p.extensionVersion());
                    n.put("callerId", p.callerId());
                    n.put("code", p.code());
                    n.put("fingerprint", p.keyFingerprint());
                }
                ArrayNode paired = r.putArray("pairings");
                for (PairingRecord p : bridge.pairingStore().list()) {
                    ObjectNode n = paired.addObject();
                    n.put("id", p.id());
                    n.put("name", p.name());
                    n.put("callerId", p.callerId());
                    n.put("fingerprint", p.fingerprint());
                    n.put("created", p.created().toString());
                    if (p.lastSeen() != null) {
                        n.put("lastSeen", p.lastSeen().toString());
                    }
                }
                return r;
            case "pairings.approve":
            case "pairings.reject":
                int code = PairingCodes.parse(arg == null ? "" : arg);
                if (code < 0) {
                    throw new IllegalArgumentException("a pairing code has six digits, like 042917");
                }
                boolean approve = command.endsWith("approve");
                int n;
                if (approve) {
                    List<PairingRequest> approved = bridge.pendingPairings().approveRequests(code);
                    n = approved.size();
                    if (n > 0 && !approved.stream().allMatch(this::awaitSaved)) {
                        // Telling the user "approved" here would be wrong: the extension was told to retry.
                        throw new IllegalArgumentException("the desktop could not save the pairing (is its disk full?); "
                                + "the extension was told, and can pair again once that is fixed");
                    }
                } else {
                    n = bridge.pendingPairings().reject(code);
                }
                if (n == 0) {
                    throw new IllegalArgumentException("no pairing request is waiting with code " + PairingCodes.format(code));
                }
                r.put(approve ? "approved" : "rejected", n);
                return r;
            case "pairings.revoke":
                if (arg == null || arg.isBlank()) {
                    throw new IllegalArgumentException("revoke needs a pairing id (see 'pairings list')");
                }
                int disconnected = bridge.revoke(arg);
                if (disconnected < 0) {
                    throw new IllegalArgumentException("no pairing has id " + arg);
                }
                r.put("revoked", arg);
                r.put("disconnected", disconnected);
                return r;
            case "lock":
                bridge.keyVault().lock();
                r.put("locked", true);
                return r;
            case "unlock":
                bridge.requestUnlock();
                r.put("locked", bridge.keyVault().isLocked());
                return r;
            default:
                throw new IllegalArgumentException("unknown admin command '" + SocketBackend.printable(command) + "'");
        }
    }
}
