package dev.bridgekeeper.agent.internal;

import dev.bridgekeeper.agent.PairingApprover;
import dev.bridgekeeper.agent.internal.secure.PairingCodes;
import dev.bridgekeeper.agent.PairingRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Pairing requests waiting for the desktop's user, answerable from anywhere: the application's
 * own dialog (its {@link PairingApprover}), the agent's terminal, or {@code bridgekeeper pairings
 * approve CODE} from another terminal. The first answer wins; the others see the request gone.
 */
public final class PendingPairings {
    private final Map<String, Entry> pending = new ConcurrentHashMap<>();
    private final List<Consumer<PairingRequest>> watchers = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final List<java.util.function.BiConsumer<PairingRequest, String>> answerWatchers =
            new java.util.concurrent.CopyOnWriteArrayList<>();

    private record Entry(PairingRequest request, CompletableFuture<Boolean> answer) {}

    /**
     * The approver the crypto provider uses: registers each request here and also asks
     * {@code appApprover} (may be null), whichever answers first decides.
     */
    public PairingApprover approver(PairingApprover appApprover) {
        return request -> {
            CompletableFuture<Boolean> answer = new CompletableFuture<>();
            pending.put(request.connectionId(), new Entry(request, answer));
            answer.whenComplete((v, e) -> {
                pending.remove(request.connectionId());
                String outcome = e != null ? "cancelled" : Boolean.TRUE.equals(v) ? "approved" : "rejected";
                answerWatchers.forEach(w -> w.accept(request, outcome));
            });
            // Watchers hear of the request before anyone can answer it (an app may answer at once).
            for (Consumer<PairingRequest> w : watchers) {
                w.accept(request);
            }
            if (appApprover != null) {
                CompletableFuture<Boolean> app = appApprover.approve(request);
                // Async: an app completes this on its UI thread, which must not save the pairing.
                app.whenCompleteAsync((v, e) -> answer.complete(Boolean.TRUE.equals(v) && e == null));
                answer.whenComplete((v, e) -> app.cancel(false)); // Closes the app's dialog.
            }
            return answer;
        };
    }

    /** Hears each new request (e.g. to print it on the agent's terminal). */
    public void watch(Consumer<PairingRequest> watcher) {
        watchers.add(watcher);
    }

    /** Hears how each request ended: {@code approved}, {@code rejected} or {@code cancelled}. */
    public void watchAnswers(java.util.function.BiConsumer<PairingRequest, String> watcher) {
        answerWatchers.add(watcher);
    }

    /** The requests waiting now. */
    public List<PairingRequest> list() {
        List<PairingRequest> out = new ArrayList<>();
        pending.values().forEach(e -> out.add(e.request()));
        return out;
    }

    /** Approves the waiting requests showing this code; returns how many. */
    public int approve(int code) {
        return answer(code, true).size();
    }

    /**
     * Approves the waiting requests showing this code and returns them (the desktop then saves
     * each pairing; see {@code AdminService} for telling whether that worked).
     */
    List<PairingRequest> approveRequests(int code) {
        return answer(code, true);
    }

    /** Rejects the waiting requests showing this code; returns how many. */
    public int reject(int code) {
        return answer(code, false).size();
    }

    private List<PairingRequest> answer(int code, boolean approve) {
        List<PairingRequest> answered = new ArrayList<>();
        for (Entry e : List.copyOf(pending.values())) {
            // Compare every code the same way so timing says nothing about which matched.
            if (PairingCodes.sameCode(e.request().codeValue(), code) & code >= 0) {
                if (e.answer().complete(approve)) {
                    answered.add(e.request());
                }
            }
        }
        return answered;
    }
}
