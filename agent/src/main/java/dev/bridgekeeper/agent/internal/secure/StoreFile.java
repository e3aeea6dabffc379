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
 *
 * <p>Version 2 authenticates instead: an HMAC-SHA256, under a key the OS keeps sealed
 * ({@link KeyStorage}), of the header's {@code <format> v2} and the body, so a file written by
 * anyone without that key is detected, not just damage.
 *
 * <pre>bridgekeeper-pairings v2 hmac-sha256=9c01…\n{"pairings":[…]}</pre>
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

    /** What {@link #readAuthenticated} found. */
    sealed interface Loaded permits Missing, Authentic, Legacy, Rejected {}

    /** No file. */
    record Missing() implements Loaded {}

    /** A v2 file whose HMAC verified. */
    record Authentic(byte[] body) implements Loaded {}

    /** An intact v1 (checksum only) file: written before stores were authenticated, or by anyone. */
    record Legacy(byte[] body) implements Loaded {}

    /** A file that is neither: changed by someone without the key, or damaged. */
    record Rejected(String reason) implements Loaded {}

    /** Reads a store file and checks its HMAC under {@code key} (or, for a v1 file, its checksum). */
    static Loaded readAuthenticated(Path path, String format, byte[] key) throws IOException {
        byte[] all;
        try {
            all = Files.readAllBytes(path);
        } catch (NoSuchFileException e) {
            return new Missing();
        }
        int nl = indexOf(all, (byte) '\n');
        if (nl < 0) {
            return new Rejected("it has no header line");
        }
        String header = new String(all, 0, nl, StandardCharsets.US_ASCII);
        byte[] body = Arrays.copyOfRange(all, nl + 1, all.length);
        String v2 = format + " v2 hmac-sha256=";
        if (header.startsWith(v2)) {
            byte[] declared;
            try {
                declared = HexFormat.of().parseHex(header.substring(v2.length()));
            } catch (IllegalArgumentException e) {
                return new Rejected("its authentication code is not hex");
            }
            // MessageDigest.isEqual takes the same time wherever the codes differ.
            return MessageDigest.isEqual(declared, hmac(key, format, body)) ? new Authentic(body)
                    : new Rejected("its authentication code does not match: it was written without this agent's key");
        }
        if (header.startsWith(format + " v1 sha256=")) {
            try {
                return new Legacy(read(path, format).orElseThrow());
            } catch (CorruptStoreException e) {
                return new Rejected(e.reason());
            } catch (RuntimeException e) {
                return new Rejected("it changed while being read");
            }
        }
        return new Rejected("its header is not '" + format + " v2'");
    }

    /** Writes a v2 store file, authenticated under {@code key}, atomically. */
    static void writeAuthenticated(Path path, String format, byte[] body, byte[] key) throws IOException {
        byte[] header = (format + " v2 hmac-sha256=" + HexFormat.of().formatHex(hmac(key, format, body)) + "\n")
                .getBytes(StandardCharsets.US_ASCII);
        byte[] all = Arrays.copyOf(header, header.length + body.length);
        System.arraycopy(body, 0, all, header.length, body.length);
        AtomicFiles.write(path, all);
    }

    static byte[] hmac(byte[] key, String format, byte[] body) {
        try {
            javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
            mac.init(new javax.crypto.spec.SecretKeySpec(key, "HmacSHA256"));
            mac.update((format + " v2\n").getBytes(StandardCharsets.US_ASCII));
            return mac.doFinal(body);
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is required by every JDK", e);
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
