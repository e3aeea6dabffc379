package dev.bridgekeeper.agent.internal.secure;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Optional;

/**
 * The on-disk form of a store: one header line naming the format and the SHA-256 of the body, then
 * the body (JSON). The checksum turns silent damage (a bad sector, a hand edit, a copy cut short)
 * into a clear error at start instead of lost or invented trust.
 *
 * <pre>bridgekeeper-pairings v1 sha256=3f2a…\n{"pairings":[…]}</pre>
 */
final class StoreFile {
    private StoreFile() {}

    /** Reads and verifies a store file; empty if it does not exist. */
    static Optional<byte[]> read(Path path, String format) throws IOException {
        byte[] all;
        try {
            all = Files.readAllBytes(path);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        int nl = indexOf(all, (byte) '\n');
        if (nl < 0) {
            throw new CorruptStoreException(path, "it has no header line");
        }
        String header = new String(all, 0, nl, StandardCharsets.US_ASCII);
        String expectedPrefix = format + " v1 sha256=";
        if (!header.startsWith(expectedPrefix)) {
            throw new CorruptStoreException(path, "its header is not '" + format + " v1'");
        }
        byte[] body = Arrays.copyOfRange(all, nl + 1, all.length);
        byte[] declared;
        try {
            declared = HexFormat.of().parseHex(header.substring(expectedPrefix.length()));
        } catch (IllegalArgumentException e) {
            throw new CorruptStoreException(path, "its checksum is not hex");
        }
        if (!MessageDigest.isEqual(declared, sha256(body))) {
            throw new CorruptStoreException(path, "its checksum does not match its content");
        }
        return Optional.of(body);
    }

    /** Writes a store file atomically (see {@link AtomicFiles#write}). */
    static void write(Path path, String format, byte[] body) throws IOException {
        byte[] header = (format + " v1 sha256=" + HexFormat.of().formatHex(sha256(body)) + "\n")
                .getBytes(StandardCharsets.US_ASCII);
        byte[] all = Arrays.copyOf(header, header.length + body.length);
        System.arraycopy(body, 0, all, header.length, body.length);
        try {
            AtomicFiles.write(path, all);
        } finally {
            Arrays.fill(all, (byte) 0);
        }
    }

    static byte[] sha256(byte[] b) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(b);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every JDK", e);
        }
    }

    private static int indexOf(byte[] b, byte v) {
        for (int i = 0; i < b.length && i < 512; i++) {
            if (b[i] == v) {
                return i;
            }
        }
        return -1;
    }
}
