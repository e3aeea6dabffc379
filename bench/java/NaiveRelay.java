import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;

/**
 * The naive Java relay the packaged host is compared with: connects to $BRIDGEKEEPER_SOCKET,
 * sends the hello frame, copies the agent's first frame to stdout, then waits for EOF on stdin.
 * No validation, no reconnect, no second thread: the least a plain Java host could do, started
 * with the JDK's default options.
 */
public final class NaiveRelay {
    private NaiveRelay() {}

    public static void main(String[] args) throws IOException {
        FileOutputStream out = new FileOutputStream(FileDescriptor.out);
        SocketChannel socket;
        try {
            socket = SocketChannel.open(UnixDomainSocketAddress.of(System.getenv("BRIDGEKEEPER_SOCKET")));
        } catch (IOException e) {
            out.write(frame("{\"type\":\"status\",\"state\":\"desktop_unavailable\"}"));
            drainStdin();
            return;
        }
        String hello = "{\"type\":\"hello\",\"protocol\":1,\"host\":{\"version\":\"naive-java\",\"pid\":"
                + ProcessHandle.current().pid() + "},\"caller\":{\"browser\":\"chromium\",\"id\":\"" + args[0] + "\"}}";
        socket.write(ByteBuffer.wrap(frame(hello)));
        ByteBuffer length = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
        while (length.hasRemaining()) if (socket.read(length) < 0) return;
        ByteBuffer body = ByteBuffer.allocate(4 + length.getInt(0));
        body.put(length.array());
        while (body.hasRemaining()) if (socket.read(body) < 0) return;
        out.write(body.array());
        out.flush();
        drainStdin();
    }

    private static byte[] frame(String json) {
        byte[] text = json.getBytes(StandardCharsets.UTF_8);
        ByteBuffer f = ByteBuffer.allocate(4 + text.length).order(ByteOrder.LITTLE_ENDIAN);
        return f.putInt(text.length).put(text).array();
    }

    private static void drainStdin() throws IOException {
        FileInputStream in = new FileInputStream(FileDescriptor.in);
        byte[] sink = new byte[4096];
        while (in.read(sink) > 0) {
            // Discard until the browser closes the port.
        }
        Runtime.getRuntime().halt(0);
    }
}
