package dev.bridgekeeper.cli.notify;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The D-Bus marshalling on its own; the real bus is in {@link FreedesktopNotifierTest}. */
class DbusMessageTest {

    @Test
    void aNotifyCallReadsBackAsWritten() throws IOException {
        byte[] bytes = DbusMessage.methodCall(7, "org.freedesktop.Notifications", "/org/freedesktop/Notifications",
                "org.freedesktop.Notifications", "Notify", "susssasa{sv}i", w -> {
                    w.writeString("Bridgekeeper");
                    w.writeUint32(0);
                    w.writeString("dialog-password");
                    w.writeString("Pair \u201cX\u201d?");
                    w.writeString("code 042 917");
                    w.writeStringArray(List.of("approve", "Approve", "reject", "Reject"));
                    int[] hints = w.beginArray(8);
                    w.align(8);
                    w.writeString("urgency");
                    w.writeSignature("y");
                    w.writeByte(2);
                    w.endArray(hints);
                    w.writeInt32(-1);
                });
        DbusMessage m = DbusMessage.read(new ByteArrayInputStream(bytes));
        assertEquals(DbusMessage.METHOD_CALL, m.type());
        assertEquals(7, m.serial());
        assertEquals("Notify", m.member());
        assertEquals("org.freedesktop.Notifications", m.iface());
        List<Object> body = m.body();
        assertEquals("Bridgekeeper", body.get(0));
        assertEquals(0L, body.get(1));
        assertEquals("Pair \u201cX\u201d?", body.get(3));
        assertEquals(List.of("approve", "Approve", "reject", "Reject"), body.get(5));
        Object[] hint = (Object[]) ((List<?>) body.get(6)).get(0);
        assertArrayEquals(new Object[] {"urgency", 2L}, hint);
        assertEquals(-1L, body.get(7));
    }

    @Test
    void truncatedAndLyingMessagesAreRefusedNotMisread() throws IOException {
        byte[] bytes = DbusMessage.methodCall(1, "a.b", "/a", "a.b", "M", "s", w -> w.writeString("hello"));
        assertThrows(IOException.class, () -> DbusMessage.read(new ByteArrayInputStream(Arrays.copyOf(bytes, bytes.length - 3))));
        byte[] lying = bytes.clone();
        int bodyStart = bytes.length - 10; // the string's length field: 4 bytes, then "hello\0"
        lying[bodyStart] = 100; // says 100 bytes where 5 follow
        assertThrows(IOException.class, () -> DbusMessage.read(new ByteArrayInputStream(lying)));
        byte[] notDbus = bytes.clone();
        notDbus[0] = 'x';
        assertThrows(IOException.class, () -> DbusMessage.read(new ByteArrayInputStream(notDbus)));
    }

    @Test
    void addressesOtherThanAUnixPathAreRefusedWithAReason() throws IOException {
        assertEquals("/run/user/1000/bus", DbusConnection.socketPathOf("unix:path=/run/user/1000/bus,guid=ab").toString());
        assertEquals("/tmp/a b", DbusConnection.socketPathOf("unix:path=/tmp/a%20b").toString());
        IOException abs = assertThrows(IOException.class, () -> DbusConnection.socketPathOf("unix:abstract=/tmp/dbus-x"));
        assertEquals(true, abs.getMessage().contains("abstract"));
        assertThrows(IOException.class, () -> DbusConnection.socketPathOf("tcp:host=localhost,port=1"));
    }

    @Test
    void markupInAnExtensionsNameIsShownAsText() {
        assertEquals("&lt;b&gt;Evil&lt;/b&gt; &amp; co", FreedesktopNotifier.escape("<b>Evil</b> & co"));
    }
}
