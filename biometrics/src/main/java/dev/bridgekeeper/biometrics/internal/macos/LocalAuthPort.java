package dev.bridgekeeper.biometrics.internal.macos;

import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;

/**
 * The Objective-C runtime and LocalAuthentication calls {@link TouchIdAuthenticator} makes, one
 * message (or one runtime call) per method and no logic, so the logic can be tested against a
 * fake. Objects returned as owned (+1) must be {@link #release}d; NSErrors are autoreleased and
 * live until the surrounding autorelease pool is popped.
 *
 * <p>{@link JnaLocalAuthPort} is the real implementation. Unverified on hardware: written against
 * the documented API; run docs/biometrics-manual-test.md on a real macOS machine.
 */
public interface LocalAuthPort {
    /** {@code LAPolicyDeviceOwnerAuthenticationWithBiometrics}. */
    long POLICY_BIOMETRICS = 1;
    /** {@code LAPolicyDeviceOwnerAuthentication}: biometrics, Watch or the login password. */
    long POLICY_DEVICE_OWNER = 2;

    /** The reply of {@code evaluatePolicy:localizedReason:reply:}; {@code error} is valid only during the call. */
    @FunctionalInterface
    interface Reply {
        void done(boolean success, Pointer error);
    }

    /** {@code objc_autoreleasePoolPush}. */
    Pointer autoreleasePoolPush();

    /** {@code objc_autoreleasePoolPop}. */
    void autoreleasePoolPop(Pointer pool);

    /** {@code [[LAContext alloc] init]}: owned (+1), or null. */
    Pointer newContext();

    /** {@code [context canEvaluatePolicy:policy error:&error]}; the error is autoreleased. */
    boolean canEvaluatePolicy(Pointer context, long policy, PointerByReference error);

    /**
     * {@code [context evaluatePolicy:policy localizedReason:reason reply:^(BOOL, NSError*)]}. The
     * reply fires exactly once on a LocalAuthentication thread; the binding keeps what the block
     * needs alive until then.
     */
    void evaluatePolicy(Pointer context, long policy, String reason, Reply reply);

    /** {@code [context invalidate]}: dismisses a pending prompt; its reply then fires with appCancel. */
    void invalidate(Pointer context);

    /** {@code [object release]}. */
    void release(Pointer object);

    /** {@code [error code]}. */
    long errorCode(Pointer error);

    /** {@code [[error domain] UTF8String]}. */
    String errorDomain(Pointer error);
}
