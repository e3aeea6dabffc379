package dev.bridgekeeper.biometrics.internal.polkit;

import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A polkit that answers as configured and keeps books on every object it hands out, so tests can
 * check that each one was freed exactly once with the right function and never used afterwards.
 */
final class FakePolkitPort implements PolkitPort {

    /** What a check answers: a result, or an error. */
    record Answer(boolean authorized, boolean challenge, boolean dismissed, GErrorInfo error) {
        static Answer result(boolean authorized, boolean challenge, boolean dismissed) {
            return new Answer(authorized, challenge, dismissed, null);
        }

        static Answer error(String domain, int code, String message) {
            return new Answer(false, false, false, new GErrorInfo(domain, code, message));
        }
    }

    // ---- scenario ----
    volatile String authorityError;
    volatile boolean daemonRunning = true;
    volatile List<String> actions = List.of("org.freedesktop.policykit.exec", PolkitAuthenticator.ACTION_ID);
    volatile String enumerateError;
    volatile boolean subjectFails;
    volatile Answer statusAnswer = Answer.result(false, true, false);
    volatile Answer verifyAnswer = Answer.result(true, false, false);
    /** The interactive check blocks until its cancellable is cancelled, then fails with G_IO_ERROR_CANCELLED. */
    volatile boolean blockUntilCancelled;
    volatile RuntimeException checkThrows;

    // ---- observations ----
    final List<String> problems = Collections.synchronizedList(new ArrayList<>());
    final AtomicInteger cancels = new AtomicInteger();
    final List<Integer> checkFlags = Collections.synchronizedList(new ArrayList<>());
    final List<String> checkedActions = Collections.synchronizedList(new ArrayList<>());
    final CountDownLatch interactiveCheckStarted = new CountDownLatch(1);
    volatile Thread interactiveCheckThread;
    volatile long subjectPid;
    volatile long subjectStartTime;
    volatile int subjectUid;

    private final AtomicLong nextHandle = new AtomicLong();
    private final Map<Long, String> live = new ConcurrentHashMap<>();
    private final Map<Long, GErrorInfo> errors = new ConcurrentHashMap<>();
    private final Map<Long, Answer> results = new ConcurrentHashMap<>();
    private final Map<Long, Pointer> listNext = new ConcurrentHashMap<>();
    private final Map<Long, Pointer> listData = new ConcurrentHashMap<>();
    private final Map<Long, String> actionIds = new ConcurrentHashMap<>();
    private final Map<Long, CountDownLatch> cancelled = new ConcurrentHashMap<>();

    /** Objects handed out and not yet freed, by kind. */
    List<String> live() {
        return new ArrayList<>(live.values());
    }

    private Pointer allocate(String kind) {
        long address = nextHandle.incrementAndGet() * 16;
        live.put(address, kind);
        return new Pointer(address);
    }

    private void use(Pointer p, String kind, String call) {
        if (p == null || !kind.equals(live.get(Pointer.nativeValue(p)))) {
            problems.add(call + " on " + p + " which is not a live " + kind);
        }
    }

    private void free(Pointer p, String kind, String call) {
        use(p, kind, call);
        if (p != null) {
            live.remove(Pointer.nativeValue(p));
        }
    }

    private Pointer fail(PointerByReference errorRef, GErrorInfo info) {
        Pointer error = allocate("GError");
        errors.put(Pointer.nativeValue(error), info);
        errorRef.setValue(error);
        return null;
    }

    @Override
    public Pointer authorityGetSync(Pointer cancellable, PointerByReference error) {
        if (authorityError != null) {
            return fail(error, new GErrorInfo("g-io-error-quark", 1, authorityError));
        }
        return allocate("PolkitAuthority");
    }

    @Override
    public Pointer authorityGetOwner(Pointer authority) {
        use(authority, "PolkitAuthority", "get_owner");
        return daemonRunning ? allocate("owner") : null;
    }

    @Override
    public Pointer enumerateActionsSync(Pointer authority, Pointer cancellable, PointerByReference error) {
        use(authority, "PolkitAuthority", "enumerate_actions");
        use(cancellable, "GCancellable", "enumerate_actions");
        if (enumerateError != null) {
            return fail(error, new GErrorInfo("polkit-error-quark", 0, enumerateError));
        }
        Pointer head = null;
        Pointer previous = null;
        for (String id : actions) {
            Pointer node = allocate("GList");
            Pointer description = allocate("PolkitActionDescription");
            actionIds.put(Pointer.nativeValue(description), id);
            listData.put(Pointer.nativeValue(node), description);
            if (previous == null) {
                head = node;
            } else {
                listNext.put(Pointer.nativeValue(previous), node);
            }
            previous = node;
        }
        return head;
    }

    @Override
    public Pointer listData(Pointer node) {
        use(node, "GList", "list data");
        return listData.get(Pointer.nativeValue(node));
    }

    @Override
    public Pointer listNext(Pointer node) {
        use(node, "GList", "list next");
        return listNext.get(Pointer.nativeValue(node));
    }

    @Override
    public void listFree(Pointer list) {
        for (Pointer node = list; node != null; node = listNext.get(Pointer.nativeValue(node))) {
            free(node, "GList", "g_list_free");
        }
    }

    @Override
    public String actionDescriptionGetActionId(Pointer description) {
        use(description, "PolkitActionDescription", "get_action_id");
        return actionIds.get(Pointer.nativeValue(description));
    }

    @Override
    public Pointer unixProcessNewForOwner(int pid, long startTime, int uid) {
        subjectPid = pid;
        subjectStartTime = startTime;
        subjectUid = uid;
        return subjectFails ? null : allocate("PolkitSubject");
    }

    @Override
    public Pointer checkAuthorizationSync(Pointer authority, Pointer subject, String actionId, int flags,
            Pointer cancellable, PointerByReference error) {
        use(authority, "PolkitAuthority", "check");
        use(subject, "PolkitSubject", "check");
        use(cancellable, "GCancellable", "check");
        checkFlags.add(flags);
        checkedActions.add(actionId);
        Answer answer = statusAnswer;
        if (flags == CHECK_ALLOW_USER_INTERACTION) {
            interactiveCheckThread = Thread.currentThread();
            interactiveCheckStarted.countDown();
            if (checkThrows != null) {
                throw checkThrows;
            }
            if (blockUntilCancelled) {
                try {
                    if (!cancelled.get(Pointer.nativeValue(cancellable)).await(30, TimeUnit.SECONDS)) {
                        problems.add("blocked check was never cancelled");
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return fail(error, new GErrorInfo("g-io-error-quark", 19, "Operation was cancelled"));
            }
            answer = verifyAnswer;
        }
        if (answer.error() != null) {
            return fail(error, answer.error());
        }
        Pointer result = allocate("PolkitAuthorizationResult");
        results.put(Pointer.nativeValue(result), answer);
        return result;
    }

    private Answer answer(Pointer result, String call) {
        use(result, "PolkitAuthorizationResult", call);
        return results.get(Pointer.nativeValue(result));
    }

    @Override
    public boolean resultIsAuthorized(Pointer result) {
        return answer(result, "is_authorized").authorized();
    }

    @Override
    public boolean resultIsChallenge(Pointer result) {
        return answer(result, "is_challenge").challenge();
    }

    @Override
    public boolean resultIsDismissed(Pointer result) {
        return answer(result, "get_dismissed").dismissed();
    }

    @Override
    public Pointer cancellableNew() {
        Pointer cancellable = allocate("GCancellable");
        cancelled.put(Pointer.nativeValue(cancellable), new CountDownLatch(1));
        return cancellable;
    }

    @Override
    public void cancellableCancel(Pointer cancellable) {
        use(cancellable, "GCancellable", "g_cancellable_cancel");
        cancels.incrementAndGet();
        cancelled.get(Pointer.nativeValue(cancellable)).countDown();
    }

    @Override
    public void objectUnref(Pointer object) {
        String kind = object == null ? null : live.get(Pointer.nativeValue(object));
        if (kind == null || !(kind.startsWith("Polkit") || kind.equals("GCancellable"))) {
            problems.add("g_object_unref on " + object + " (" + kind + ")");
            return;
        }
        live.remove(Pointer.nativeValue(object));
    }

    @Override
    public GErrorInfo readError(Pointer error) {
        use(error, "GError", "read GError");
        return errors.get(Pointer.nativeValue(error));
    }

    @Override
    public void errorFree(Pointer error) {
        free(error, "GError", "g_error_free");
    }

    @Override
    public String readString(Pointer string) {
        use(string, "owner", "read string");
        return ":1.7";
    }

    @Override
    public void free(Pointer memory) {
        free(memory, "owner", "g_free");
    }
}
