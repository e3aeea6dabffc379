package dev.bridgekeeper.ipc;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a Java interface as a typed, versioned RPC channel.
 *
 * <p>Every abstract method is one RPC method named {@code <name>.<javaMethodName>} (see {@link
 * IpcMethod}); it returns {@code CompletableFuture<R>} (or {@code CompletionStage<R>}) and takes no
 * parameter or one, a record or class that Jackson maps to the JSON {@code params} object. Default
 * and static methods are plain Java and are not RPC methods.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface IpcChannel {
    /** The channel name: lowercase letters, digits, {@code _} and {@code -}, starting with a letter. */
    String name();

    /** Semantic version {@code MAJOR.MINOR.PATCH} of the interface. */
    String version();
}
