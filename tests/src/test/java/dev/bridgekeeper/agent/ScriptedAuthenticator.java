package dev.bridgekeeper.agent;

import dev.bridgekeeper.biometrics.Authenticator;
import dev.bridgekeeper.biometrics.BiometricStatus;
import dev.bridgekeeper.biometrics.Outcome;
import dev.bridgekeeper.biometrics.Verification;
import dev.bridgekeeper.biometrics.VerificationRequest;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A test authenticator for the agent's own tests (the real ones are tested in the biometrics
 * suite, polkit for real): answers with a set outcome, or holds the prompt open until the test,
 * a cancel or the request's timeout ends it, as the real prompt runner does.
 */
final class ScriptedAuthenticator implements Authenticator {
    volatile Outcome answer = Outcome.VERIFIED;
    volatile boolean hold;
    final BlockingQueue<VerificationRequest> requests = new LinkedBlockingQueue<>();
    final BlockingQueue<CompletableFuture<Verification>> prompts = new LinkedBlockingQueue<>();

    @Override
    public String method() {
        return "none";
    }

    @Override
    public BiometricStatus status() {
        return BiometricStatus.available("none");
    }

    @Override
    public CompletableFuture<Verification> verify(VerificationRequest request) {
        requests.add(request);
        CompletableFuture<Verification> prompt = new CompletableFuture<>();
        prompts.add(prompt);
        if (hold) {
            // Like PromptRunner: the prompt ends by itself when its timeout passes.
            return prompt.completeOnTimeout(Verification.of(Outcome.TIMED_OUT, "no answer"),
                    request.timeout().toMillis(), TimeUnit.MILLISECONDS);
        }
        prompt.complete(answer == Outcome.VERIFIED ? Verification.verified() : Verification.of(answer, "scripted"));
        return prompt;
    }
}
