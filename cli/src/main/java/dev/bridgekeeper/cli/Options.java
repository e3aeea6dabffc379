package dev.bridgekeeper.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A small parser for {@code --name value} options and positional words, with clear errors. */
final class Options {
    final List<String> positional = new ArrayList<>();
    private final List<String[]> pairs = new ArrayList<>();
    private final List<String> flags = new ArrayList<>();

    /**
     * @param valued names of options that take a value
     * @param bare   names of options without a value
     * @throws IllegalArgumentException for an unknown option or a missing value
     */
    static Options parse(String[] args, List<String> valued, List<String> bare) {
        Options o = new Options();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (valued.contains(a)) {
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException(a + " needs a value");
                }
                o.pairs.add(new String[] {a, args[++i]});
            } else if (bare.contains(a)) {
                o.flags.add(a);
            } else if (a.startsWith("--")) {
                throw new IllegalArgumentException("unknown option '" + Main.printable(a) + "'");
            } else {
                o.positional.add(a);
            }
        }
        return o;
    }

    String value(String name, String fallback) {
        String v = fallback;
        for (String[] p : pairs) {
            if (p[0].equals(name)) {
                v = p[1];
            }
        }
        return v;
    }

    List<String> values(String name) {
        List<String> out = new ArrayList<>();
        for (String[] p : pairs) {
            if (p[0].equals(name)) {
                out.add(p[1]);
            }
        }
        return out;
    }

    Path path(String name, Path fallback) {
        String v = value(name, null);
        return v == null ? fallback : Path.of(v);
    }

    boolean has(String flag) {
        return flags.contains(flag);
    }
}
