package dev.bridgekeeper.biometrics.internal.macos;

import com.sun.jna.Callback;
import com.sun.jna.CallbackReference;
import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import java.lang.ref.Reference;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Forged Objective-C global blocks of type {@code void (^)(BOOL, NSError *)}, for the reply of
 * {@code evaluatePolicy:localizedReason:reply:}. JNA has no block support, so this lays out the
 * block ABI by hand (LP64, 32 bytes):
 *
 * <pre>
 *   void *isa;          // _NSConcreteGlobalBlock
 *   int   flags;        // BLOCK_IS_GLOBAL: Block_copy returns it as is, Block_release ignores it
 *   int   reserved;
 *   void *invoke;       // void (*)(void *block, BOOL success, NSError *error)
 *   void *descriptor;   // -> { unsigned long reserved = 0; unsigned long size = 32; }
 * </pre>
 *
 * <p>Because the block is "global", the runtime never copies or frees it, so its memory must stay
 * valid until the reply fired: every live block is held strongly in a static registry and removed
 * when its reply runs. One static callback serves all blocks (JNA holds callbacks only weakly, so
 * it is a static field); the block's address tells which reply to run.
 *
 * <p>The layout and the callback are tested on every OS (ReplyBlocksTest). Unverified on hardware
 * as a reply of LocalAuthentication: written against the documented block ABI; run
 * docs/biometrics-manual-test.md on a real macOS machine.
 */
final class ReplyBlocks {
    private static final Logger LOG = LoggerFactory.getLogger(ReplyBlocks.class);

    static final int BLOCK_IS_GLOBAL = 1 << 28;
    static final int BLOCK_SIZE = 32;
    static final int OFFSET_FLAGS = 8;
    static final int OFFSET_INVOKE = 16;
    static final int OFFSET_DESCRIPTOR = 24;

    /** The block's invoke function. BOOL is one byte on both macOS ABIs. */
    public interface InvokeFunction extends Callback {
        void invoke(Pointer block, byte success, Pointer error);
    }

    private record Live(Memory block, LocalAuthPort.Reply reply) {}

    private static final Map<Long, Live> LIVE = new ConcurrentHashMap<>();
    private static final InvokeFunction INVOKE = ReplyBlocks::fire;
    private static final Memory DESCRIPTOR = descriptor();

    private ReplyBlocks() {}

    /**
     * A new block that runs {@code reply} once. {@code isa} is {@code _NSConcreteGlobalBlock}'s
     * address (any address in tests, where nothing reads it).
     */
    static Pointer create(Pointer isa, LocalAuthPort.Reply reply) {
        Memory block = new Memory(BLOCK_SIZE);
        block.clear();
        block.setPointer(0, isa);
        block.setInt(OFFSET_FLAGS, BLOCK_IS_GLOBAL);
        block.setPointer(OFFSET_INVOKE, CallbackReference.getFunctionPointer(INVOKE));
        block.setPointer(OFFSET_DESCRIPTOR, DESCRIPTOR);
        LIVE.put(Pointer.nativeValue(block), new Live(block, reply));
        return block;
    }

    /** Forgets a block whose message send failed, so the reply can never fire. */
    static void discard(Pointer block) {
        LIVE.remove(Pointer.nativeValue(block));
    }

    /** Blocks whose reply has not fired yet. */
    static int pending() {
        return LIVE.size();
    }

    private static void fire(Pointer block, byte success, Pointer error) {
        Live live = LIVE.remove(Pointer.nativeValue(block));
        if (live == null) {
            LOG.warn("LocalAuthentication replied to an unknown or already answered block");
            return;
        }
        try {
            live.reply().done(success != 0, error);
        } catch (RuntimeException | Error e) {
            // Never let an exception unwind into LocalAuthentication's dispatch thread.
            LOG.warn("Touch ID reply handler failed: {}", e.toString());
        } finally {
            Reference.reachabilityFence(live); // the block memory outlives this native call
        }
    }

    private static Memory descriptor() {
        Memory descriptor = new Memory(16);
        descriptor.setLong(0, 0);
        descriptor.setLong(8, BLOCK_SIZE);
        return descriptor;
    }
}
