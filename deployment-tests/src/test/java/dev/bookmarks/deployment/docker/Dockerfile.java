package dev.bookmarks.deployment.docker;

import dev.bookmarks.deployment.Repository;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Dockerfile as a list of instructions: continuation lines joined and comments dropped, as the builder reads it.
 * Enough for the house rules DockerfileLintIT checks; the linters judge the syntax.
 *
 * @param path where it was read from
 * @param instructions every instruction in order
 */
public record Dockerfile(Path path, List<Instruction> instructions) {

    /** A tag with a digit in it (a version), or a digest: what a reproducible base image names. */
    private static final Pattern PINNED_TAG = Pattern.compile("[\\w][\\w.-]*\\d[\\w.-]*");
    private static final Pattern DIGEST = Pattern.compile("sha256:[0-9a-f]{64}");

    /**
     * One instruction.
     *
     * @param line the 1-based line it starts on
     * @param keyword its keyword in upper case
     * @param arguments everything after the keyword, continuation lines joined with a space
     */
    public record Instruction(int line, String keyword, String arguments) {

        /** The arguments split on white space (enough for FROM, USER, EXPOSE and COPY as written here). */
        public List<String> words() {
            return arguments.isBlank() ? List.of() : List.of(arguments.strip().split("\\s+"));
        }

        @Override
        public String toString() {
            return "line " + line + ": " + keyword + " " + arguments;
        }
    }

    /** The module's Dockerfile. */
    public static Dockerfile of(String module) {
        return read(Repository.file(module + "/Dockerfile"));
    }

    public static Dockerfile read(Path path) {
        try {
            return parse(path, Files.readString(path));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Dockerfile parse(Path path, String text) {
        List<Instruction> instructions = new ArrayList<>();
        StringBuilder current = null;
        int start = 0;
        List<String> lines = text.lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.strip().startsWith("#") || (current == null && line.isBlank())) {
                continue; // the builder drops comment lines, even inside a continued instruction
            }
            boolean continues = line.stripTrailing().endsWith("\\");
            String body = continues ? line.stripTrailing().substring(0, line.stripTrailing().length() - 1) : line;
            if (current == null) {
                current = new StringBuilder();
                start = i + 1;
            } else {
                current.append(' ');
            }
            current.append(body.strip());
            if (!continues) {
                instructions.add(instruction(start, current.toString()));
                current = null;
            }
        }
        if (current != null) {
            instructions.add(instruction(start, current.toString()));
        }
        return new Dockerfile(path, List.copyOf(instructions));
    }

    private static Instruction instruction(int line, String text) {
        String[] parts = text.strip().split("\\s+", 2);
        return new Instruction(line, parts[0].toUpperCase(Locale.ROOT), parts.length == 2 ? parts[1] : "");
    }

    /** The instructions of the last stage: from its FROM (included) to the end. */
    public List<Instruction> lastStage() {
        int from = -1;
        for (int i = 0; i < instructions.size(); i++) {
            if (instructions.get(i).keyword().equals("FROM")) {
                from = i;
            }
        }
        if (from < 0) {
            throw new AssertionError(path + " has no FROM");
        }
        return instructions.subList(from, instructions.size());
    }

    /** The instructions with this keyword, in a list of instructions. */
    public static List<Instruction> all(List<Instruction> instructions, String keyword) {
        return instructions.stream().filter(i -> i.keyword().equals(keyword)).toList();
    }

    /**
     * Whether an image reference names a version: a digest ({@code @sha256:...}), or a tag other than
     * {@code latest} with a digit in it. No tag at all means {@code latest}, which changes under the build.
     */
    public static boolean isPinned(String reference) {
        Matcher digest = Pattern.compile("@(.+)$").matcher(reference);
        if (digest.find()) {
            return DIGEST.matcher(digest.group(1)).matches();
        }
        if (reference.contains("$")) {
            return false; // a build argument: whatever the builder is given
        }
        int slash = reference.lastIndexOf('/');
        int colon = reference.lastIndexOf(':');
        if (colon < slash + 1) {
            return false; // no tag (a colon before the last slash is a registry's port)
        }
        String tag = reference.substring(colon + 1);
        return !tag.equals("latest") && PINNED_TAG.matcher(tag).matches();
    }
}
