package dev.bridgekeeper.biometrics.internal.macos;

import com.sun.jna.Function;
import com.sun.jna.Memory;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@link LocalAuthPort} through JNA and the Objective-C runtime.
 *
 * <p>{@code objc_msgSend} is called through {@link Function#invoke(Class, Object[])} with an exact,
 * fixed argument list per message shape: JNA then makes a normal (non-variadic) call, which is what
 * {@code objc_msgSend} needs. Declaring it as a Java varargs method would make JNA use the C
 * variadic convention, which on Apple Silicon passes the arguments on the stack and breaks every
 * call. NSInteger arguments are Java {@code long}; BOOL results are read as a byte.
 *
 * <p>Only {@link #load()} touches native code; the authenticator calls it on macOS only.
 * Unverified on hardware: written against the documented API; run docs/biometrics-manual-test.md
 * on a real macOS machine.
 */
public final class JnaLocalAuthPort implements LocalAuthPort {
    static final String LOCAL_AUTHENTICATION =
            "/System/Library/Frameworks/LocalAuthentication.framework/LocalAuthentication";

    private final Function msgSend;
    private final Function getClass;
    private final Function registerName;
    private final Function poolPush;
    private final Function poolPop;
    private final Pointer globalBlockIsa;
    private final Map<String, Pointer> selectors = new ConcurrentHashMap<>();
    // Held so the framework stays loaded (and LAContext registered) for the life of the port.
    private final NativeLibrary localAuthentication;

    private JnaLocalAuthPort(NativeLibrary objc, NativeLibrary localAuthentication, Pointer globalBlockIsa) {
        this.msgSend = objc.getFunction("objc_msgSend");
        this.getClass = objc.getFunction("objc_getClass");
        this.registerName = objc.getFunction("sel_registerName");
        this.poolPush = objc.getFunction("objc_autoreleasePoolPush");
        this.poolPop = objc.getFunction("objc_autoreleasePoolPop");
        this.localAuthentication = localAuthentication;
        this.globalBlockIsa = globalBlockIsa;
    }

    /** Loads libobjc, LocalAuthentication.framework (which registers LAContext) and finds _NSConcreteGlobalBlock. */
    public static JnaLocalAuthPort load() {
        NativeLibrary objc = NativeLibrary.getInstance("objc");
        NativeLibrary localAuthentication = NativeLibrary.getInstance(LOCAL_AUTHENTICATION);
        Pointer isa = NativeLibrary.getInstance("System").getGlobalVariableAddress("_NSConcreteGlobalBlock");
        JnaLocalAuthPort port = new JnaLocalAuthPort(objc, localAuthentication, isa);
        if (port.objcClass("LAContext") == null) {
            throw new UnsatisfiedLinkError("LAContext is not registered after loading " + LOCAL_AUTHENTICATION);
        }
        return port;
    }

    @Override
    public Pointer autoreleasePoolPush() {
        return poolPush.invokePointer(new Object[0]);
    }

    @Override
    public void autoreleasePoolPop(Pointer pool) {
        poolPop.invokeVoid(new Object[] {pool});
    }

    @Override
    public Pointer newContext() {
        Pointer allocated = sendPointer(objcClass("LAContext"), "alloc");
        return allocated == null ? null : sendPointer(allocated, "init");
    }

    @Override
    public boolean canEvaluatePolicy(Pointer context, long policy, PointerByReference error) {
        Object result = msgSend.invoke(Byte.class,
                new Object[] {context, selector("canEvaluatePolicy:error:"), Long.valueOf(policy), error});
        return ((Byte) result) != 0;
    }

    @Override
    public void evaluatePolicy(Pointer context, long policy, String reason, Reply reply) {
        Pointer nsReason = newString(reason);
        Pointer block = ReplyBlocks.create(globalBlockIsa, reply);
        try {
            msgSend.invokeVoid(new Object[] {context, selector("evaluatePolicy:localizedReason:reply:"),
                    Long.valueOf(policy), nsReason, block});
        } catch (RuntimeException | Error e) {
            ReplyBlocks.discard(block);
            throw e;
        } finally {
            release(nsReason); // LAContext copied what it needs
        }
    }

    @Override
    public void invalidate(Pointer context) {
        msgSend.invokeVoid(new Object[] {context, selector("invalidate")});
    }

    @Override
    public void release(Pointer object) {
        msgSend.invokeVoid(new Object[] {object, selector("release")});
    }

    @Override
    public long errorCode(Pointer error) {
        return msgSend.invokeLong(new Object[] {error, selector("code")});
    }

    @Override
    public String errorDomain(Pointer error) {
        Pointer domain = sendPointer(error, "domain");
        if (domain == null) {
            return null;
        }
        Pointer utf8 = sendPointer(domain, "UTF8String");
        return utf8 == null ? null : utf8.getString(0, StandardCharsets.UTF_8.name());
    }

    /** {@code [[NSString alloc] initWithUTF8String:]}: owned, so no autorelease pool is involved. */
    private Pointer newString(String value) {
        byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
        Memory cString = new Memory(utf8.length + 1L);
        cString.write(0, utf8, 0, utf8.length);
        cString.setByte(utf8.length, (byte) 0);
        Pointer allocated = sendPointer(objcClass("NSString"), "alloc");
        return msgSend.invokePointer(new Object[] {allocated, selector("initWithUTF8String:"), cString});
    }

    private Pointer sendPointer(Pointer receiver, String selectorName) {
        return msgSend.invokePointer(new Object[] {receiver, selector(selectorName)});
    }

    private Pointer objcClass(String name) {
        return getClass.invokePointer(new Object[] {name});
    }

    private Pointer selector(String name) {
        return selectors.computeIfAbsent(name, n -> registerName.invokePointer(new Object[] {n}));
    }
}
