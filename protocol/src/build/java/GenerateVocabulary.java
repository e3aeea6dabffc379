import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes the Java form of the protocol's wire vocabulary ({@code vocabulary.json}, the one
 * machine-readable source kept next to docs/PROTOCOL.md) as source files of package
 * {@code dev.bridgekeeper.protocol}. Maven runs it in {@code generate-sources} with the JDK's
 * source launcher, so the protocol module needs no JSON library at build time or at run time,
 * and the host reads no JSON file when the browser starts it.
 *
 * <p>Usage: {@code java GenerateVocabulary.java <vocabulary.json> <output source root>}
 *
 * <p>A single file on purpose: the source launcher compiles and runs exactly one file.
 */
public final class GenerateVocabulary {
    private static final String PACKAGE = "dev.bridgekeeper.protocol";
    private static final String HEADER = "// Generated from vocabulary.json by protocol/src/build/java/GenerateVocabulary.java.\n"
            + "// Do not edit: change vocabulary.json (and docs/PROTOCOL.md) instead.\n";

    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            System.err.println("usage: java GenerateVocabulary.java <vocabulary.json> <output source root>");
            System.exit(2);
        }
        Map<String, Object> vocabulary;
        try {
            vocabulary = object(new JsonReader(Files.readString(Path.of(args[0]), StandardCharsets.UTF_8)).document(),
                    "the document");
        } catch (IllegalArgumentException e) {
            System.err.println("GenerateVocabulary: " + args[0] + ": " + e.getMessage());
            System.exit(1);
            return;
        }
        Path dir = Path.of(args[1]).resolve(PACKAGE.replace('.', '/'));
        Files.createDirectories(dir);
        write(dir, "Limits", limits(vocabulary));
        write(dir, "EnvelopeErrorCode", envelopeErrorCodes(vocabulary));
        write(dir, "WireRpcError", rpcErrorCodes(vocabulary));
        write(dir, "WireTopics", topics(vocabulary));
        write(dir, "Vocabulary", scalars(vocabulary));
    }

    private static void write(Path dir, String className, String source) throws IOException {
        Path file = dir.resolve(className + ".java");
        // Rewrite only on change, so an unchanged vocabulary does not force a recompilation.
        if (!Files.exists(file) || !Files.readString(file, StandardCharsets.UTF_8).equals(source)) {
            Files.writeString(file, source, StandardCharsets.UTF_8);
        }
    }

    private static String limits(Map<String, Object> v) {
        StringBuilder b = begin("Every limit of docs/PROTOCOL.md §8, by its key in vocabulary.json.");
        b.append("public final class Limits {\n    private Limits() {}\n");
        for (Map.Entry<String, Object> e : object(v.get("limits"), "limits").entrySet()) {
            if (!(e.getValue() instanceof Long n)) {
                throw new IllegalArgumentException("limit " + e.getKey() + " is not an integer");
            }
            boolean fitsInt = n >= Integer.MIN_VALUE && n <= Integer.MAX_VALUE;
            b.append("\n    /** {@code ").append(e.getKey()).append("}. */\n")
                    .append("    public static final ").append(fitsInt ? "int " : "long ")
                    .append(constant(e.getKey())).append(" = ").append(n).append(fitsInt ? "" : "L").append(";\n");
        }
        return b.append("}\n").toString();
    }

    private static String envelopeErrorCodes(Map<String, Object> v) {
        StringBuilder b = begin("The codes of the {@code error} envelope (docs/PROTOCOL.md §2.4).");
        b.append("public enum EnvelopeErrorCode {\n");
        List<Map.Entry<String, Object>> codes = new ArrayList<>(object(v.get("envelopeErrorCodes"), "envelopeErrorCodes").entrySet());
        boolean hasInternal = false;
        for (int i = 0; i < codes.size(); i++) {
            String wire = codes.get(i).getKey();
            Map<String, Object> c = object(codes.get(i).getValue(), wire);
            hasInternal |= wire.equals("internal");
            b.append("    /** ").append(javadoc(string(c.get("meaning"), wire + ".meaning"))).append(". */\n")
                    .append("    ").append(constant(wire)).append("(\"").append(wire).append("\", ")
                    .append(bool(c.get("extensionReconnects"), wire + ".extensionReconnects"))
                    .append(i + 1 < codes.size() ? "),\n" : ");\n");
        }
        if (!hasInternal) {
            throw new IllegalArgumentException("envelopeErrorCodes has no 'internal' (unknown codes read as it)");
        }
        b.append("""

                    private final String wireName;
                    private final boolean extensionReconnects;

                    EnvelopeErrorCode(String wireName, boolean extensionReconnects) {
                        this.wireName = wireName;
                        this.extensionReconnects = extensionReconnects;
                    }

                    /** The code as written in the envelope, such as {@code protocol_error}. */
                    public String wireName() {
                        return wireName;
                    }

                    /** Whether an extension should reconnect by itself after this code. */
                    public boolean extensionReconnects() {
                        return extensionReconnects;
                    }

                    /** The constant for a received code; a code this side does not know reads as {@link #INTERNAL}. */
                    public static EnvelopeErrorCode fromWire(String wireName) {
                        for (EnvelopeErrorCode c : values()) {
                            if (c.wireName.equals(wireName)) {
                                return c;
                            }
                        }
                        return INTERNAL;
                    }
                }
                """);
        return b.toString();
    }

    private static String rpcErrorCodes(Map<String, Object> v) {
        StringBuilder b = begin("The RPC error codes of docs/PROTOCOL.md §6.6, as the protocol module knows them; "
                + "the agent's API enum {@code RpcErrorCode} takes its codes from here.");
        b.append("public enum WireRpcError {\n");
        List<Map.Entry<String, Object>> codes = new ArrayList<>(object(v.get("rpcErrorCodes"), "rpcErrorCodes").entrySet());
        for (int i = 0; i < codes.size(); i++) {
            String wire = codes.get(i).getKey();
            Map<String, Object> c = object(codes.get(i).getValue(), wire);
            Object code = c.get("code");
            if (!(code instanceof Long n) || n < Integer.MIN_VALUE || n > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("rpc error " + wire + " has no integer code");
            }
            b.append("    /** ").append(javadoc(string(c.get("meaning"), wire + ".meaning"))).append(". */\n")
                    .append("    ").append(constant(wire)).append('(').append(n).append(", \"").append(wire)
                    .append(i + 1 < codes.size() ? "\"),\n" : "\");\n");
        }
        b.append("""

                    private final int code;
                    private final String wireName;

                    WireRpcError(int code, String wireName) {
                        this.code = code;
                        this.wireName = wireName;
                    }

                    /** The integer sent as {@code error.code}. */
                    public int code() {
                        return code;
                    }

                    /** The protocol's name for it, such as {@code not_paired}. */
                    public String wireName() {
                        return wireName;
                    }
                }
                """);
        return b.toString();
    }

    private static String topics(Map<String, Object> v) {
        Map<String, Object> topics = object(v.get("topics"), "topics");
        StringBuilder b = begin("The topics of docs/PROTOCOL.md §6.2, the reserved ones and the prefixes.");
        b.append("public final class WireTopics {\n    private WireTopics() {}\n");
        for (String group : List.of("rpc", "pairing", "session", "events")) {
            for (String topic : object(topics.get(group), "topics." + group).keySet()) {
                b.append("\n    /** {@code ").append(topic).append("}. */\n    public static final String ")
                        .append(constant(topic)).append(" = \"").append(topic).append("\";\n");
            }
        }
        for (Object prefix : list(topics.get("reservedPrefixes"), "topics.reservedPrefixes")) {
            String p = string(prefix, "a reserved prefix");
            b.append("\n    /** The reserved prefix {@code ").append(p).append("}. */\n    public static final String ")
                    .append(constant(p)).append("PREFIX = \"").append(p).append("\";\n");
        }
        b.append("\n    /** Topics reserved by exact name (RPC). */\n    public static final java.util.List<String> RESERVED_EXACT = java.util.List.of(");
        List<Object> exact = list(topics.get("reservedExact"), "topics.reservedExact");
        for (int i = 0; i < exact.size(); i++) {
            b.append(i == 0 ? "" : ", ").append(constant(string(exact.get(i), "a reserved topic")));
        }
        b.append(");\n");
        return b.append("}\n").toString();
    }

    private static String scalars(Map<String, Object> v) {
        Map<String, Object> noise = object(v.get("noise"), "noise");
        StringBuilder b = begin("The protocol version, the Noise parameters and the envelope words of "
                + "docs/PROTOCOL.md §2 and §3.");
        b.append("public final class Vocabulary {\n    private Vocabulary() {}\n");
        b.append("\n    /** The wire protocol version. */\n    public static final int PROTOCOL_VERSION = ")
                .append(integer(v.get("protocolVersion"), "protocolVersion")).append(";\n");
        b.append("\n    /** The revision of docs/PROTOCOL.md this vocabulary belongs to. */\n    public static final int SPEC_REVISION = ")
                .append(integer(v.get("specRevision"), "specRevision")).append(";\n");
        stringConstant(b, "The Noise protocol name.", "NOISE_PROTOCOL_NAME", string(noise.get("protocolName"), "noise.protocolName"));
        stringConstant(b, "What the Noise prologue starts with, before the caller id.", "PROLOGUE_PREFIX",
                string(noise.get("prologuePrefix"), "noise.prologuePrefix"));
        stringConstant(b, "The bytes every accepted connection's first desktop frame begins with (§2.3).",
                "CONNECTED_STATUS_PREFIX", string(v.get("connectedStatusPrefix"), "connectedStatusPrefix"));
        for (String type : object(v.get("envelopeTypes"), "envelopeTypes").keySet()) {
            stringConstant(b, "Envelope type {@code " + type + "}.", "TYPE_" + constant(type), type);
        }
        for (String state : object(v.get("statusStates"), "statusStates").keySet()) {
            stringConstant(b, "Status state {@code " + state + "}.", "STATE_" + constant(state), state);
        }
        for (Object browser : list(v.get("browsers"), "browsers")) {
            String name = string(browser, "a browser");
            stringConstant(b, "Browser family {@code " + name + "} in {@code hello}.", "BROWSER_" + constant(name), name);
        }
        return b.append("}\n").toString();
    }

    private static void stringConstant(StringBuilder b, String doc, String name, String value) {
        b.append("\n    /** ").append(doc).append(" */\n    public static final String ").append(name)
                .append(" = ").append(javaString(value)).append(";\n");
    }

    private static StringBuilder begin(String classDoc) {
        return new StringBuilder(HEADER).append("package ").append(PACKAGE).append(";\n\n/** ")
                .append(classDoc).append(" */\n");
    }

    /** {@code maxRpcIdChars} → {@code MAX_RPC_ID_CHARS}; {@code pairing.commit} → {@code PAIRING_COMMIT}. */
    static String constant(String key) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (Character.isUpperCase(c) && i > 0) {
                b.append('_');
            }
            b.append(Character.isLetterOrDigit(c) ? Character.toUpperCase(c) : '_');
        }
        String s = b.toString().toUpperCase(Locale.ROOT);
        if (!s.matches("[A-Z][A-Z0-9_]*")) {
            throw new IllegalArgumentException("'" + key + "' does not make a Java constant name");
        }
        return s;
    }

    private static String javaString(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else if (c < 0x20 || c > 0x7e) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.append('"').toString();
    }

    private static String javadoc(String s) {
        String t = s.replace("*/", "* /").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
                .replace("@", "&#64;");
        return t.isEmpty() ? t : Character.toUpperCase(t.charAt(0)) + t.substring(1);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> object(Object o, String what) {
        if (!(o instanceof Map)) {
            throw new IllegalArgumentException(what + " is not an object");
        }
        return (Map<String, Object>) o;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object o, String what) {
        if (!(o instanceof List)) {
            throw new IllegalArgumentException(what + " is not an array");
        }
        return (List<Object>) o;
    }

    private static String string(Object o, String what) {
        if (!(o instanceof String s)) {
            throw new IllegalArgumentException(what + " is not a string");
        }
        return s;
    }

    private static boolean bool(Object o, String what) {
        if (!(o instanceof Boolean x)) {
            throw new IllegalArgumentException(what + " is not a boolean");
        }
        return x;
    }

    private static long integer(Object o, String what) {
        if (!(o instanceof Long n)) {
            throw new IllegalArgumentException(what + " is not an integer");
        }
        return n;
    }

    /**
     * Just enough JSON for a trusted file in the repository: objects (in order, duplicates
     * refused), arrays, strings with escapes, integers, booleans and null. Fractions and
     * exponents are refused: the vocabulary has none.
     */
    static final class JsonReader {
        private final String s;
        private int i;

        JsonReader(String s) {
            this.s = s;
        }

        Object document() {
            Object v = value();
            space();
            if (i != s.length()) {
                throw error("text after the document");
            }
            return v;
        }

        private Object value() {
            space();
            if (i >= s.length()) {
                throw error("unexpected end");
            }
            char c = s.charAt(i);
            switch (c) {
                case '{': return obj();
                case '[': return arr();
                case '"': return str();
                case 't': return word("true", Boolean.TRUE);
                case 'f': return word("false", Boolean.FALSE);
                case 'n': return word("null", null);
                default:
                    if (c == '-' || (c >= '0' && c <= '9')) {
                        return num();
                    }
                    throw error("unexpected '" + c + "'");
            }
        }

        private Map<String, Object> obj() {
            Map<String, Object> m = new LinkedHashMap<>();
            i++;
            space();
            if (peek() == '}') {
                i++;
                return m;
            }
            while (true) {
                space();
                if (peek() != '"') {
                    throw error("expected a field name");
                }
                String key = str();
                space();
                expect(':');
                if (m.containsKey(key)) {
                    throw error("duplicate field '" + key + "'");
                }
                m.put(key, value());
                space();
                if (peek() == ',') {
                    i++;
                } else {
                    expect('}');
                    return m;
                }
            }
        }

        private List<Object> arr() {
            List<Object> l = new ArrayList<>();
            i++;
            space();
            if (peek() == ']') {
                i++;
                return l;
            }
            while (true) {
                l.add(value());
                space();
                if (peek() == ',') {
                    i++;
                } else {
                    expect(']');
                    return l;
                }
            }
        }

        private String str() {
            i++;
            StringBuilder b = new StringBuilder();
            while (true) {
                if (i >= s.length()) {
                    throw error("unterminated string");
                }
                char c = s.charAt(i++);
                if (c == '"') {
                    return b.toString();
                }
                if (c < 0x20) {
                    throw error("control character in a string");
                }
                if (c != '\\') {
                    b.append(c);
                    continue;
                }
                char e = i < s.length() ? s.charAt(i++) : 0;
                switch (e) {
                    case '"', '\\', '/' -> b.append(e);
                    case 'b' -> b.append('\b');
                    case 'f' -> b.append('\f');
                    case 'n' -> b.append('\n');
                    case 'r' -> b.append('\r');
                    case 't' -> b.append('\t');
                    case 'u' -> {
                        if (i + 4 > s.length()) {
                            throw error("short \\u escape");
                        }
                        b.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
                        i += 4;
                    }
                    default -> throw error("bad escape");
                }
            }
        }

        private Long num() {
            int start = i;
            if (peek() == '-') {
                i++;
            }
            while (i < s.length() && Character.isDigit(s.charAt(i))) {
                i++;
            }
            if (i < s.length() && (s.charAt(i) == '.' || s.charAt(i) == 'e' || s.charAt(i) == 'E')) {
                throw error("only integers are supported");
            }
            try {
                return Long.parseLong(s.substring(start, i));
            } catch (NumberFormatException e) {
                throw error("bad number");
            }
        }

        private Object word(String w, Object value) {
            if (!s.startsWith(w, i)) {
                throw error("unexpected text");
            }
            i += w.length();
            return value;
        }

        private char peek() {
            return i < s.length() ? s.charAt(i) : 0;
        }

        private void expect(char c) {
            if (peek() != c) {
                throw error("expected '" + c + "'");
            }
            i++;
        }

        private void space() {
            while (i < s.length() && " \t\r\n".indexOf(s.charAt(i)) >= 0) {
                i++;
            }
        }

        private IllegalArgumentException error(String what) {
            return new IllegalArgumentException(what + " at offset " + i);
        }
    }
}
