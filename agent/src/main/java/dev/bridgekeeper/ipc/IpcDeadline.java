package dev.bridgekeeper.ipc;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.concurrent.TimeUnit;

/**
 * The deadline of one channel method, replacing the client's default: callers through the
 * channel proxy wait this long, and the serving side cancels the handler after this long.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface IpcDeadline {
    /** The amount, in {@link #unit()}; must be positive. */
    long value();

    /** The unit of {@link #value()}. */
    TimeUnit unit() default TimeUnit.SECONDS;
}
