package dev.bridgekeeper.cli.notify;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * One D-Bus message (the specification's "Message Format"): its type, serial, header fields and
 * body. Encodes method calls; decodes whatever the bus sends.
 */
record DbusMessage(int type, long serial, Map<Integer, Object> fields, List<Object> body) {
    static final int METHOD_CALL = 1;
    static final int METHOD_RETURN = 2;
    static final int ERROR = 3;
    static final int SIGNAL = 4;

    private static final int PATH = 1;
    private static final int INTERFACE = 2;
    private static final int MEMBER = 3;
    private static final int ERROR_NAME = 4;
    private static final int REPLY_SERIAL = 5;
    private static final int DESTINATION = 6;
    private static final int SENDER = 7;
    private static final int SIGNATURE = 8;

    /** The bus refuses messages over 128 MiB; so do we. */
    private static final int MAX_MESSAGE = 128 * 1024 * 1024;

    String member() {
        return (String) fields.get(MEMBER);
    }

    String iface() {
        return (String) fields.get(INTERFACE);
    }

    String sender() {
        return (String) fields.get(SENDER);
    }

    String errorName() {
        return (String) fields.get(ERROR_NAME);
    }

    long replySerial() {
        Object v = fields.get(REPLY_SERIAL);
        return v == null ? -1 : (Long) v;
    }

    /** A method call's bytes; {@code signature} describes what {@code body} writes ("" for none). */
    static byte[] methodCall(long serial, String destination, String path, String iface, String member,
            String signature, Consumer<DbusWriter> body) {
        return encode(METHOD_CALL, serial, destination, path, iface, member, signature, body);
    }

    /** A signal's bytes (broadcast: no destination). */
    static byte[] signal(long serial, String path, String iface, String member, String signature,
            Consumer<DbusWriter> body) {
        return encode(SIGNAL, serial, null, path, iface, member, signature, body);
    }

    private static byte[] encode(int type, long serial, String destination, String path, String iface,
            String member, String signature, Consumer<DbusWriter> body) {
        DbusWriter b = new DbusWriter();
        if (body != null) {
            body.accept(b);
        }
        byte[] bodyBytes = b.toBytes();
        DbusWriter h = new DbusWriter();
        h.writeByte('l');
        h.writeByte(type);
        h.writeByte(0);
        h.writeByte(1);
        h.writeUint32(bodyBytes.length);
        h.writeUint32(serial);
        int[] fieldArray = h.beginArray(8);
        field(h, PATH, "o", path);
        if (destination != null) {
            field(h, DESTINATION, "s", destination);
        }
        field(h, INTERFACE, "s", iface);
        field(h, MEMBER, "s", member);
        if (!signature.isEmpty()) {
            field(h, SIGNATURE, "g", signature);
        }
        h.endArray(fieldArray);
        h.align(8);
        h.putBytes(bodyBytes);
        return h.toBytes();
    }

    private static void field(DbusWriter h, int code, String type, String value) {
        h.align(8);
        h.writeByte(code);
        h.writeSignature(type);
        if (type.equals("g")) {
            h.writeSignature(value);
        } else {
            h.writeString(value);
        }
    }

    /** Reads one whole message; null at a clean end of stream. */
    static DbusMessage read(InputStream in) throws IOException {
        byte[] fixed = new byte[16];
        DataInputStream data = new DataInputStream(in);
        int first = in.read();
        if (first < 0) {
            return null;
        }
        fixed[0] = (byte) first;
        data.readFully(fixed, 1, 15);
        boolean little = fixed[0] == 'l';
        if (!little && fixed[0] != 'B') {
            throw new IOException("not a D-Bus message (endianness byte " + fixed[0] + ")");
        }
        DbusReader r = new DbusReader(fixed, 4, little);
        long bodyLength = (Long) r.readAll("u").get(0);
        long fieldsLength = (Long) new DbusReader(fixed, 12, little).readAll("u").get(0);
        long headerEnd = 16 + fieldsLength;
        long padded = (headerEnd + 7) & ~7L;
        long total = padded + bodyLength;
        if (total > MAX_MESSAGE) {
            throw new IOException("D-Bus message of " + total + " bytes is too large");
        }
        byte[] whole = new byte[(int) total];
        System.arraycopy(fixed, 0, whole, 0, 16);
        data.readFully(whole, 16, whole.length - 16);
        try {
            DbusReader reader = new DbusReader(whole, 4, little);
            List<Object> head = reader.readAll("uua(yv)");
            Map<Integer, Object> fields = new HashMap<>();
            for (Object f : (List<?>) head.get(2)) {
                Object[] pair = (Object[]) f;
                fields.put(((Long) pair[0]).intValue(), pair[1]);
            }
            String signature = (String) fields.getOrDefault(SIGNATURE, "");
            List<Object> body = new DbusReader(whole, (int) padded, little).readAll(signature);
            return new DbusMessage(whole[1], (Long) head.get(1), fields, body);
        } catch (IllegalArgumentException | ClassCastException e) {
            throw new IOException("malformed D-Bus message: " + e.getMessage(), e);
        }
    }
}
