package dev.bridgekeeper.cli;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.asciidoctor.Asciidoctor;
import org.asciidoctor.Options;
import org.asciidoctor.SafeMode;
import picocli.codegen.docgen.manpage.ManPageGenerator;

/**
 * Build step (cli/pom.xml, package phase): the man pages of {@code bridgekeeper} and each of its
 * commands, from the same picocli model the command parses with. picocli's ManPageGenerator writes
 * AsciiDoc (kept in {@code man/adoc}); Asciidoctor's manpage backend turns each into troff, e.g.
 * {@code man/bridgekeeper.1}, {@code man/bridgekeeper-pairings-approve.1}.
 */
public final class ManPages {
    private ManPages() {}

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            throw new IllegalArgumentException("usage: ManPages OUTPUT_DIR");
        }
        Path out = Path.of(args[0]);
        Path adoc = Files.createDirectories(out.resolve("adoc"));
        int code = ManPageGenerator.generateManPage(adoc.toFile(), null, new boolean[0], false,
                BridgekeeperCommand.commandLine().getCommandSpec());
        if (code != 0) {
            throw new IOException("ManPageGenerator failed with exit code " + code);
        }
        List<Path> pages;
        try (Stream<Path> files = Files.list(adoc)) {
            pages = files.filter(p -> p.toString().endsWith(".adoc")).sorted().toList();
        }
        try (Asciidoctor asciidoctor = Asciidoctor.Factory.create()) {
            for (Path page : pages) {
                asciidoctor.convertFile(page.toFile(), Options.builder()
                        .backend("manpage")
                        .safe(SafeMode.UNSAFE)
                        .toDir(out.toFile())
                        .mkDirs(true)
                        .build());
            }
        }
        File[] troff = out.toFile().listFiles((d, n) -> n.endsWith(".1"));
        if (troff == null || troff.length != pages.size()) {
            throw new IOException("expected " + pages.size() + " man pages in " + out + ", found "
                    + (troff == null ? 0 : troff.length));
        }
        System.out.println("man pages: " + troff.length + " in " + out);
    }
}
