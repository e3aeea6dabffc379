import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The JVM floor for the host's start-up: the least a Java program can do in its place. Writes one
 * status frame to stdout, waits for EOF on stdin and exits, with nothing else loaded (no lambdas,
 * no string concatenation, no regex), so every millisecond it takes is the JVM's own.
 */
public final class Floor {
    private Floor() {}

    public static void main(String[] args) throws IOException {
        byte[] json = "{\"type\":\"status\",\"state\":\"desktop_unavailable\",\"detail\":\"floor\"}"
                .getBytes(StandardCharsets.UTF_8);
        byte[] frame = new byte[4 + json.length];
        frame[0] = (byte) json.length;
        frame[1] = (byte) (json.length >>> 8);
        System.arraycopy(json, 0, frame, 4, json.length);
        FileOutputStream out = new FileOutputStream(FileDescriptor.out);
        out.write(frame);
        out.flush();
        FileInputStream in = new FileInputStream(FileDescriptor.in);
        byte[] sink = new byte[4096];
        while (in.read(sink) > 0) {
            // Discard until the browser closes the port.
        }
        Runtime.getRuntime().halt(0);
    }
}
