package dev.bridgekeeper.agent.internal.rpc;

import dev.bridgekeeper.ipc.IpcChannel;
import dev.bridgekeeper.ipc.IpcDeadline;
import dev.bridgekeeper.ipc.IpcMethod;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.WildcardType;
import java.time.Duration;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.regex.Pattern;

/** A checked description of one {@link IpcChannel} interface: its name, version and RPC methods. */
final class ChannelDescriptor {

    static final Pattern CHANNEL_NAME = Pattern.compile("[a-z][a-z0-9_-]{0,63}");
    static final Pattern METHOD_SUFFIX = Pattern.compile("[A-Za-z][A-Za-z0-9_-]{0,63}");

    /** One RPC method of the channel. {@code paramType} is null for a method without parameter. */
    record MethodSpec(Method method, String rpcName, Type paramType, Type resultType, Duration deadline) {}

    private static final ClassValue<ChannelDescriptor> CACHE = new ClassValue<>() {
        @Override
        protected ChannelDescriptor computeValue(Class<?> type) {
            return new ChannelDescriptor(type);
        }
    };

    final Class<?> type;
    final String name;
    final SemanticVersion version;
    final Map<Method, MethodSpec> methods;

    /**
     * The descriptor of {@code iface}.
     *
     * @throws IllegalArgumentException if it is not a well-formed channel interface
     */
    static ChannelDescriptor of(Class<?> iface) {
        return CACHE.get(iface);
    }

    private ChannelDescriptor(Class<?> iface) {
        String what = iface.getName();
        if (!iface.isInterface()) {
            throw new IllegalArgumentException(what + " is not an interface");
        }
        IpcChannel channel = iface.getAnnotation(IpcChannel.class);
        if (channel == null) {
            throw new IllegalArgumentException(what + " is not annotated with @IpcChannel");
        }
        if (!CHANNEL_NAME.matcher(channel.name()).matches() || channel.name().equals("ipc")) {
            throw new IllegalArgumentException(what + ": channel name '" + channel.name()
                    + "' must match [a-z][a-z0-9_-]* (at most 64) and must not be 'ipc'");
        }
        try {
            this.version = SemanticVersion.parse(channel.version());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(what + ": version '" + channel.version() + "' is not MAJOR.MINOR.PATCH");
        }
        this.type = iface;
        this.name = channel.name();

        Map<Method, MethodSpec> specs = new LinkedHashMap<>();
        Set<String> rpcNames = new HashSet<>();
        for (Method m : iface.getMethods()) {
            if (m.isDefault() || Modifier.isStatic(m.getModifiers()) || isObjectMethod(m)) {
                continue;
            }
            MethodSpec spec = describe(iface, m);
            if (!rpcNames.add(spec.rpcName())) {
                throw new IllegalArgumentException(what + ": two methods map to " + spec.rpcName());
            }
            trySetAccessible(m);
            specs.put(m, spec);
        }
        this.methods = Collections.unmodifiableMap(specs);
    }

    private MethodSpec describe(Class<?> iface, Method m) {
        String where = iface.getName() + "." + m.getName();
        Class<?> raw = m.getReturnType();
        if (raw != CompletableFuture.class && raw != CompletionStage.class) {
            throw new IllegalArgumentException(where + " must return CompletableFuture<R>");
        }
        if (!(m.getGenericReturnType() instanceof ParameterizedType pt)) {
            throw new IllegalArgumentException(where + " must declare its result type: CompletableFuture<R>");
        }
        Type result = pt.getActualTypeArguments()[0];
        if (result instanceof WildcardType w) {
            result = w.getUpperBounds()[0];
        }

        Type param = null;
        if (m.getParameterCount() > 1) {
            throw new IllegalArgumentException(where + " takes more than one parameter; use one params record");
        } else if (m.getParameterCount() == 1) {
            Class<?> p = m.getParameterTypes()[0];
            if (!mapsToJsonObject(p)) {
                throw new IllegalArgumentException(where + ": parameter type " + p.getSimpleName()
                        + " does not map to a JSON object; use a params record");
            }
            param = m.getGenericParameterTypes()[0];
        }

        IpcMethod rename = m.getAnnotation(IpcMethod.class);
        String suffix = rename == null ? m.getName() : rename.value();
        if (!METHOD_SUFFIX.matcher(suffix).matches()) {
            throw new IllegalArgumentException(where + ": method name '" + suffix + "' must match [A-Za-z][A-Za-z0-9_-]*");
        }

        Duration deadline = null;
        IpcDeadline d = m.getAnnotation(IpcDeadline.class);
        if (d != null) {
            if (d.value() <= 0) {
                throw new IllegalArgumentException(where + ": @IpcDeadline must be positive");
            }
            deadline = Duration.of(d.value(), d.unit().toChronoUnit());
        }
        return new MethodSpec(m, name + "." + suffix, param, result, deadline);
    }

    /** Whether Jackson would write instances of {@code p} as a JSON object. */
    private static boolean mapsToJsonObject(Class<?> p) {
        return !(p.isPrimitive() || p.isArray() || p.isEnum()
                || Number.class.isAssignableFrom(p) || CharSequence.class.isAssignableFrom(p)
                || p == Boolean.class || p == Character.class || Iterable.class.isAssignableFrom(p));
    }

    private static boolean isObjectMethod(Method m) {
        try {
            Object.class.getMethod(m.getName(), m.getParameterTypes());
            return true;
        } catch (NoSuchMethodException e) {
            return false;
        }
    }

    /** Lets the framework call methods of a non-public channel interface from this package. */
    private static void trySetAccessible(Method m) {
        try {
            m.setAccessible(true);
        } catch (RuntimeException e) {
            // A public interface in an exported package needs no help; others fail at call time.
        }
    }
}
