package dev.bookmarks.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** What Linux's /proc and the JDK's tools say about a running process: CPU time, resident memory, heap. */
final class ProcessStats {

    private static final Pattern HEAP = Pattern.compile("total (\\d+)K, used (\\d+)K");

    private ProcessStats() {
    }

    /** Clock ticks per second, the unit of /proc/&lt;pid&gt;/stat's times ({@code getconf CLK_TCK}). */
    static long clockTicksPerSecond() throws IOException, InterruptedException {
        return Long.parseLong(run("getconf", "CLK_TCK").trim());
    }

    /**
     * User plus system CPU time, in clock ticks, of {@code root} and of all its live descendants (NGINX's workers
     * are children of its master). A process that exits between listing and reading counts as zero.
     */
    static long cpuTicks(ProcessHandle root) throws IOException {
        long ticks = 0;
        try (Stream<ProcessHandle> descendants = root.descendants()) {
            for (ProcessHandle process : Stream.concat(Stream.of(root), descendants).toList()) {
                ticks += ownCpuTicks(process.pid());
            }
        }
        return ticks;
    }

    /** utime + stime of one process (all its threads), fields 14 and 15 of /proc/&lt;pid&gt;/stat. */
    static long ownCpuTicks(long pid) throws IOException {
        String stat;
        try {
            stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        } catch (NoSuchFileException gone) {
            return 0;
        }
        // The command name (field 2) is in parentheses and may contain spaces: count fields after the last ')'.
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }

    /** The process's resident set size, {@code VmRSS} of /proc/&lt;pid&gt;/status, in MiB. */
    static long rssMiB(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
            }
        }
        throw new IllegalStateException("no VmRSS for " + pid);
    }

    /** A JVM's heap use as {@code jcmd <pid> GC.heap_info} reports it: "used / committed MiB (collector)", or why not. */
    static String heap(long pid) throws IOException, InterruptedException {
        String info = run(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(), Long.toString(pid),
                "GC.heap_info");
        Matcher heap = HEAP.matcher(info);
        if (!heap.find()) {
            return "? (jcmd said: " + info.strip().replace('\n', ' ') + ")";
        }
        String collector = info.lines().filter(line -> line.contains(" total ")).findFirst()
                .map(line -> line.substring(0, line.indexOf(" total ")).trim()).orElse("?");
        return Long.parseLong(heap.group(2)) / 1024 + " / " + Long.parseLong(heap.group(1)) / 1024 + " MiB ("
                + collector + ")";
    }

    /** Runs a short command (at most 30 s) and returns its output. */
    private static String run(String... command) throws IOException, InterruptedException {
        // Output to a file, not a pipe: reading a pipe would wait as long as a hung command does.
        Path output = Files.createTempFile("process-stats-", ".txt");
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile())
                    .start();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " did not finish");
            }
            return Files.readString(output, StandardCharsets.UTF_8);
        } finally {
            Files.deleteIfExists(output);
        }
    }
}
