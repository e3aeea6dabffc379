package dev.bridgekeeper.ipc;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Overrides the wire name of a channel method. The value replaces the Java method name after the
 * channel prefix: {@code @IpcMethod("status")} in channel {@code biometric} is {@code biometric.status}.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface IpcMethod {
    /** The name after {@code <channel>.}: letters, digits, {@code _} and {@code -}. */
    String value();
}
