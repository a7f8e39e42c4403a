package dev.bookmarks.deployment.compose;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * One external program run to its end within a time limit, its output captured in files (never through pipes, which
 * a chatty program could fill and block on while the test waits for it).
 *
 * @param exitCode its exit status
 * @param stdout what it printed on standard output
 * @param stderr what it printed on standard error
 */
public record Command(int exitCode, String stdout, String stderr) {

    /** The longest any program a deployment test starts may run: they read files and print, nothing slower. */
    public static final Duration TIMEOUT = Duration.ofSeconds(60);

    /**
     * Runs {@code command} in {@code directory} with the test's environment less the variables named in
     * {@code unset} plus those in {@code set}; ends it (and fails) when it runs longer than {@link #TIMEOUT}.
     */
    public static Command run(Path directory, Collection<String> unset, Map<String, String> set, List<String> command) {
        try {
            Path out = Files.createTempFile("command", ".out");
            Path err = Files.createTempFile("command", ".err");
            try {
                ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile())
                        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                        .redirectOutput(out.toFile()).redirectError(err.toFile());
                builder.environment().keySet().removeAll(unset);
                builder.environment().putAll(set);
                Process process = builder.start();
                if (!process.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                    process.descendants().forEach(ProcessHandle::destroyForcibly);
                    process.destroyForcibly();
                    throw new AssertionError(String.join(" ", command) + " did not finish within " + TIMEOUT.toSeconds()
                            + " s; its output so far: " + Files.readString(out) + Files.readString(err));
                }
                return new Command(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                        Files.readString(err, StandardCharsets.UTF_8));
            } finally {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted running " + command, e);
        }
    }

    /** Runs {@code command} in {@code directory} with the test's own environment. */
    public static Command run(Path directory, String... command) {
        return run(directory, List.of(), Map.of(), List.of(command));
    }

    /** The first executable file named {@code name} in a directory of PATH. */
    public static Optional<Path> onPath(String name) {
        String path = Optional.ofNullable(System.getenv("PATH")).orElse("");
        for (String dir : path.split(File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, name)) && !Files.isDirectory(Path.of(dir, name))) {
                return Optional.of(Path.of(dir, name));
            }
        }
        return Optional.empty();
    }

    /** Both outputs, for an assertion's description. */
    public String output() {
        return "exit " + exitCode + "\n--- stdout\n" + stdout + "\n--- stderr\n" + stderr;
    }
}
