package dev.bridgekeeper.cli;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Unmatched;

/**
 * {@code bridgekeeper install|uninstall [installer options]}: runs the installer that the install
 * left beside this jar ({@code <prefix>/installer/install.sh}), or the source tree's when this jar
 * is {@code cli/target/bridgekeeper.jar}, with {@code --jar} set to this jar. It is what the
 * doctor's fixes name, because an installed user has this command and not the source tree.
 */
final class InstallCommand {
    private InstallCommand() {}

    @Command(name = "install", header = "(Re)install the host for your browsers.", description = {
        "Runs the installer kept beside this jar with --jar set to this jar. Every option is the "
                + "installer's (install.sh --help, install.ps1 -?), e.g. --host-name NAME, --polkit, --scope system.",
    })
    static final class Install implements Callable<Integer> {
        @Unmatched
        List<String> installerOptions = new ArrayList<>();

        @Override
        public Integer call() {
            return run(installerOptions.toArray(String[]::new), false);
        }
    }

    @Command(name = "uninstall", header = "Remove what the install created.", description = {
        "Runs the installer's uninstall. It keeps the identity key and pairings and says where they "
                + "are; --purge removes them too. Other options are the installer's, e.g. --host-name NAME.",
    })
    static final class Uninstall implements Callable<Integer> {
        @Unmatched
        List<String> installerOptions = new ArrayList<>();

        @Override
        public Integer call() {
            return run(installerOptions.toArray(String[]::new), true);
        }
    }

    static int run(String[] args, boolean uninstall) {
        Path jar;
        try {
            jar = Path.of(InstallCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException | RuntimeException e) {
            System.err.println("bridgekeeper: cannot tell where this jar is: " + e.getMessage());
            return 1;
        }
        boolean windows = System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows");
        String script = windows ? "install.ps1" : "install.sh";
        Path dir = jar.getParent();
        List<Path> candidates = new ArrayList<>();
        candidates.add(dir.resolve("installer").resolve(script));
        if (dir.getParent() != null && dir.getParent().getParent() != null) {
            candidates.add(dir.getParent().getParent().resolve("installer").resolve(script));
        }
        Path installer = candidates.stream().filter(Files::isRegularFile).findFirst().orElse(null);
        if (installer == null) {
            System.err.println("bridgekeeper: no installer beside " + jar + " (looked for " + candidates
                    + "); run installer/" + script + " from a Bridgekeeper release or source tree");
            return 1;
        }
        List<String> command = new ArrayList<>();
        if (windows) {
            command.addAll(List.of("powershell", "-NoProfile", "-ExecutionPolicy", "Bypass", "-File",
                    installer.toString(), "-Jar", jar.toString()));
            if (uninstall) {
                command.add("-Uninstall");
            }
        } else {
            command.addAll(List.of("bash", installer.toString(), "--jar", jar.toString()));
            if (uninstall) {
                command.add("--uninstall");
            }
        }
        command.addAll(Arrays.asList(args));
        try {
            return new ProcessBuilder(command).inheritIO().start().waitFor();
        } catch (IOException e) {
            System.err.println("bridgekeeper: could not run " + installer + ": " + e.getMessage());
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 130;
        }
    }
}
