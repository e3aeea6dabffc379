package dev.bridgekeeper.biometrics.internal.macos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.sun.jna.Function;
import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The forged block, called through its invoke pointer exactly as the Objective-C runtime would
 * call it: {@code block->invoke(block, success, error)}. Runs on any OS: only JNA's own callback
 * trampolines are involved.
 */
class ReplyBlocksTest {
    private final Pointer fakeIsa = new Pointer(0x1000);

    private static void invoke(Pointer block, byte success, Pointer error) {
        Function invoke = Function.getFunction(block.getPointer(ReplyBlocks.OFFSET_INVOKE));
        invoke.invokeVoid(new Object[] {block, success, error});
    }

    @Test
    void layoutIsAGlobalBlockOfThirtyTwoBytes() {
        Pointer block = ReplyBlocks.create(fakeIsa, (success, error) -> { });
        try {
            assertEquals(fakeIsa, block.getPointer(0));
            assertEquals(1 << 28, block.getInt(ReplyBlocks.OFFSET_FLAGS));
            assertEquals(0, block.getInt(12), "reserved");
            Pointer descriptor = block.getPointer(ReplyBlocks.OFFSET_DESCRIPTOR);
            assertEquals(0L, descriptor.getLong(0));
            assertEquals(32L, descriptor.getLong(8));
        } finally {
            ReplyBlocks.discard(block);
        }
    }

    @Test
    void invokingTheBlockRunsTheReplyOnceAndForgetsIt() {
        List<String> replies = new ArrayList<>();
        int before = ReplyBlocks.pending();
        Pointer block = ReplyBlocks.create(fakeIsa,
                (success, error) -> replies.add(success + " " + Long.toHexString(Pointer.nativeValue(error))));
        assertEquals(before + 1, ReplyBlocks.pending());
        Memory error = new Memory(8);
        invoke(block, (byte) 0, error);
        assertEquals(List.of("false " + Long.toHexString(Pointer.nativeValue(error))), replies);
        assertEquals(before, ReplyBlocks.pending());
        invoke(block, (byte) 1, null); // a second reply must not run the handler again
        assertEquals(1, replies.size());
    }

    @Test
    void successByteIsReadAsBool() {
        List<Boolean> replies = new ArrayList<>();
        Pointer block = ReplyBlocks.create(fakeIsa, (success, error) -> {
            replies.add(success);
            assertNull(error);
        });
        invoke(block, (byte) 1, null);
        assertEquals(List.of(true), replies);
    }

    @Test
    void blockSurvivesGarbageCollectionUntilItsReply() {
        List<Boolean> replies = new ArrayList<>();
        long address = Pointer.nativeValue(ReplyBlocks.create(fakeIsa, (success, error) -> replies.add(success)));
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        Pointer block = new Pointer(address); // the native side only keeps the raw address
        invoke(block, (byte) 1, null);
        assertEquals(List.of(true), replies);
    }

    @Test
    void aThrowingReplyDoesNotEscapeIntoNativeCode() {
        int before = ReplyBlocks.pending();
        Pointer block = ReplyBlocks.create(fakeIsa, (success, error) -> {
            throw new IllegalStateException("handler bug");
        });
        invoke(block, (byte) 1, null); // returning normally is the test
        assertEquals(before, ReplyBlocks.pending());
    }
}
