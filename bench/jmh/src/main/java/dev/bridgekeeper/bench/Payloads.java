package dev.bridgekeeper.bench;

import java.nio.charset.StandardCharsets;

/** Test payloads of exact sizes. */
final class Payloads {
    private Payloads() {}

    /** A JSON object of exactly {@code size} UTF-8 bytes (at least 12): {"d":"abc..."}. */
    static byte[] jsonObject(int size) {
        if (size < 12) {
            throw new IllegalArgumentException("size must be at least 12");
        }
        StringBuilder b = new StringBuilder(size);
        b.append("{\"d\":\"");
        while (b.length() < size - 2) {
            b.append((char) ('a' + b.length() % 26));
        }
        b.append("\"}");
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** A string of {@code n} ASCII letters. */
    static String letters(int n) {
        StringBuilder b = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            b.append((char) ('a' + i % 26));
        }
        return b.toString();
    }
}
