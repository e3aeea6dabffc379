package dev.bridgekeeper.bench;

/** The Markdown table being built, and whether anything failed. */
final class Report {
    private final StringBuilder text = new StringBuilder();
    boolean failed;

    void line(String s) {
        text.append(s).append('\n');
    }

    void row(String what, String result, String spread, long count) {
        line("| " + what + " | " + result + " | " + spread + " | " + count + " |");
        System.err.println("e2e: " + what + ": " + result + " (" + spread + ")");
    }

    void fail(String why) {
        failed = true;
        line("| **FAILED** | " + why + " | | |");
    }

    @Override
    public String toString() {
        return text.toString();
    }
}
