package dev.bridgekeeper.cli.notify;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Marshals D-Bus values in little-endian order, each aligned to its natural boundary counted from
 * the start of this buffer (a message body starts on an 8-byte boundary, so counting from the body
 * is the same as counting from the message). Only the types the notification client sends.
 */
final class DbusWriter {
    private byte[] buf = new byte[256];
    private int pos;

    int position() {
        return pos;
    }

    byte[] toBytes() {
        return Arrays.copyOf(buf, pos);
    }

    void align(int n) {
        while (pos % n != 0) {
            put(0);
        }
    }

    void put(int b) {
        if (pos == buf.length) {
            buf = Arrays.copyOf(buf, buf.length * 2);
        }
        buf[pos++] = (byte) b;
    }

    void putBytes(byte[] b) {
        for (byte x : b) {
            put(x);
        }
    }

    void writeByte(int b) {
        put(b);
    }

    void writeUint32(long v) {
        align(4);
        put((int) v);
        put((int) (v >>> 8));
        put((int) (v >>> 16));
        put((int) (v >>> 24));
    }

    void writeInt32(int v) {
        writeUint32(v & 0xFFFFFFFFL);
    }

    /** {@code s} and {@code o}: length, UTF-8 bytes, a nul. */
    void writeString(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        writeUint32(b.length);
        putBytes(b);
        put(0);
    }

    /** {@code g}: one length byte, the signature, a nul. */
    void writeSignature(String s) {
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        if (b.length > 255) {
            throw new IllegalArgumentException("signature too long");
        }
        put(b.length);
        putBytes(b);
        put(0);
    }

    /**
     * Starts an array whose elements align to {@code elementAlignment}; returns what
     * {@link #endArray} needs. The length counts from the first element, after its padding.
     */
    int[] beginArray(int elementAlignment) {
        writeUint32(0);
        int lengthAt = pos - 4;
        align(elementAlignment);
        return new int[] {lengthAt, pos};
    }

    void endArray(int[] array) {
        int length = pos - array[1];
        buf[array[0]] = (byte) length;
        buf[array[0] + 1] = (byte) (length >>> 8);
        buf[array[0] + 2] = (byte) (length >>> 16);
        buf[array[0] + 3] = (byte) (length >>> 24);
    }

    void writeStringArray(java.util.List<String> items) {
        int[] a = beginArray(4);
        items.forEach(this::writeString);
        endArray(a);
    }
}
