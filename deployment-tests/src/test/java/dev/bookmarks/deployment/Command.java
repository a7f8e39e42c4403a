package dev.bookmarks.deployment;

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
 * One external program (docker-compose, kubectl, promtool, a linter, podman) run to its end within a time limit,
 * its output captured in files (never through pipes, which a chatty program could fill and block on while the test
 * waits for it). A program still running at the limit is ended with its children and fails the test.
 *
 * @param argv what was run
 * @param exitCode its exit status
 * @param stdout what it printed on standard output
 * @param stderr what it printed on standard error
 * @param took how long it ran
 */
public record Command(List<String> argv, int exitCode, String stdout, String stderr, Duration took) {

    /** The limit of {@link #run(Path, String...)}: programs that read files and print, nothing slower. */
    public static final Duration TIMEOUT = Duration.ofSeconds(60);

    /**
     * Runs {@code argv} in {@code directory} with the test's environment less the variables named in
     * {@code unset} plus those in {@code set}; ends it (and fails) when it runs longer than {@code timeout}.
     */
    public static Command run(Path directory, Collection<String> unset, Map<String, String> set, Duration timeout,
            List<String> argv) {
        long begin = System.nanoTime();
        try {
            Path out = Files.createTempFile("command", ".out");
            Path err = Files.createTempFile("command", ".err");
            try {
                ProcessBuilder builder = new ProcessBuilder(argv).directory(directory.toFile())
                        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                        .redirectOutput(out.toFile()).redirectError(err.toFile());
                builder.environment().keySet().removeAll(unset);
                builder.environment().putAll(set);
                Process process = builder.start();
                if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    process.descendants().forEach(ProcessHandle::destroyForcibly);
                    process.destroyForcibly();
                    throw new AssertionError(String.join(" ", argv) + " did not finish within " + timeout.toSeconds()
                            + " s; its output so far: " + Files.readString(out) + Files.readString(err));
                }
                return new Command(List.copyOf(argv), process.exitValue(),
                        Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8),
                        Duration.ofNanos(System.nanoTime() - begin));
            } finally {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted running " + argv, e);
        }
    }

    /** {@link #run(Path, Collection, Map, Duration, List)} within {@link #TIMEOUT}. */
    public static Command run(Path directory, Collection<String> unset, Map<String, String> set, List<String> argv) {
        return run(directory, unset, set, TIMEOUT, argv);
    }

    /** Runs {@code argv} in {@code directory} with the test's own environment, within {@link #TIMEOUT}. */
    public static Command run(Path directory, String... argv) {
        return run(directory, List.of(), Map.of(), TIMEOUT, List.of(argv));
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

    public boolean succeeded() {
        return exitCode == 0;
    }

    /** This result if the program exited 0, else an error that shows the command and the end of its output. */
    public Command orFail() {
        if (!succeeded()) {
            String both = stdout + stderr;
            String tail = both.length() > 6000 ? "..." + both.substring(both.length() - 6000) : both;
            throw new AssertionError(String.join(" ", argv) + " exited " + exitCode + " after " + took.toSeconds()
                    + " s:\n" + tail);
        }
        return this;
    }

    /** Both outputs, for an assertion's description. */
    public String output() {
        return "exit " + exitCode + "\n--- stdout\n" + stdout + "\n--- stderr\n" + stderr;
    }
}
