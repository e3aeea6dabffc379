package dev.bridgekeeper.cli.notify;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Unmarshals D-Bus values of any signature from one whole message (positions and alignment count
 * from the message's first byte). Arrays become {@code List}, structs and dict entries
 * {@code Object[]}, variants their value; integers are {@code Long} (unsigned ones too), booleans
 * {@code Boolean}, strings, object paths and signatures {@code String}. Malformed input throws
 * {@link IllegalArgumentException}.
 */
final class DbusReader {
    private static final int MAX_DEPTH = 64;
    private final byte[] data;
    private final boolean little;
    private int pos;

    DbusReader(byte[] data, int start, boolean littleEndian) {
        this.data = data;
        this.pos = start;
        this.little = littleEndian;
    }

    int position() {
        return pos;
    }

    /** Reads one value of each complete type in {@code signature}. */
    List<Object> readAll(String signature) {
        List<Object> out = new ArrayList<>();
        int i = 0;
        while (i < signature.length()) {
            int end = endOfType(signature, i);
            out.add(read(signature.substring(i, end), 0));
            i = end;
        }
        return out;
    }

    /** The index just after the complete type starting at {@code i}. */
    static int endOfType(String sig, int i) {
        if (i >= sig.length()) {
            throw new IllegalArgumentException("signature '" + sig + "' ends inside a type");
        }
        char c = sig.charAt(i);
        switch (c) {
            case 'a':
                return endOfType(sig, i + 1);
            case '(':
            case '{': {
                char close = c == '(' ? ')' : '}';
                int j = i + 1;
                while (j < sig.length() && sig.charAt(j) != close) {
                    j = endOfType(sig, j);
                }
                if (j >= sig.length()) {
                    throw new IllegalArgumentException("signature '" + sig + "' has an unclosed " + c);
                }
                return j + 1;
            }
            default:
                if ("ybnqiuxtdsoghv".indexOf(c) < 0) {
                    throw new IllegalArgumentException("unknown type '" + c + "' in signature '" + sig + "'");
                }
                return i + 1;
        }
    }

    private static int alignmentOf(char c) {
        return switch (c) {
            case 'y', 'g', 'v' -> 1;
            case 'n', 'q' -> 2;
            case 'x', 't', 'd', '(', '{' -> 8;
            default -> 4; // b i u s o a h
        };
    }

    private Object read(String type, int depth) {
        if (depth > MAX_DEPTH) {
            throw new IllegalArgumentException("values nested too deep");
        }
        char c = type.charAt(0);
        align(alignmentOf(c));
        switch (c) {
            case 'y':
                return (long) (next() & 0xFF);
            case 'b':
                return readUnsigned(4) != 0;
            case 'n':
                return (long) (short) readUnsigned(2);
            case 'q':
                return readUnsigned(2);
            case 'i':
                return (long) (int) readUnsigned(4);
            case 'u':
            case 'h':
                return readUnsigned(4);
            case 'x':
            case 't':
                return readUnsigned(8);
            case 'd':
                return Double.longBitsToDouble(readUnsigned(8));
            case 's':
            case 'o':
                return text((int) checkedLength(readUnsigned(4)));
            case 'g':
                return text(next() & 0xFF);
            case 'v': {
                String sig = (String) read("g", depth + 1);
                if (endOfType(sig, 0) != sig.length()) {
                    throw new IllegalArgumentException("a variant holds one complete type, not '" + sig + "'");
                }
                return read(sig, depth + 1);
            }
            case 'a': {
                long length = checkedLength(readUnsigned(4));
                String element = type.substring(1, endOfType(type, 1));
                align(alignmentOf(element.charAt(0)));
                int end = pos + (int) length;
                if (end > data.length) {
                    throw new IllegalArgumentException("array runs past the message");
                }
                List<Object> items = new ArrayList<>();
                while (pos < end) {
                    items.add(read(element, depth + 1));
                }
                if (pos != end) {
                    throw new IllegalArgumentException("array elements overrun its length");
                }
                return items;
            }
            case '(':
            case '{': {
                List<Object> fields = new ArrayList<>();
                int i = 1;
                while (i < type.length() - 1) {
                    int end = endOfType(type, i);
                    fields.add(read(type.substring(i, end), depth + 1));
                    i = end;
                }
                return fields.toArray();
            }
            default:
                throw new IllegalArgumentException("unknown type '" + c + "'");
        }
    }

    private long checkedLength(long length) {
        if (length > data.length - pos) {
            throw new IllegalArgumentException("length " + length + " runs past the message");
        }
        return length;
    }

    private String text(int length) {
        if (pos + length + 1 > data.length) {
            throw new IllegalArgumentException("string runs past the message");
        }
        String s = new String(data, pos, length, StandardCharsets.UTF_8);
        pos += length;
        if (next() != 0) {
            throw new IllegalArgumentException("string without its nul");
        }
        return s;
    }

    private void align(int n) {
        while (pos % n != 0) {
            next();
        }
    }

    private byte next() {
        if (pos >= data.length) {
            throw new IllegalArgumentException("message ends early");
        }
        return data[pos++];
    }

    private long readUnsigned(int bytes) {
        long v = 0;
        for (int i = 0; i < bytes; i++) {
            long b = next() & 0xFFL;
            v |= little ? b << (8 * i) : b << (8 * (bytes - 1 - i));
        }
        return v;
    }
}
