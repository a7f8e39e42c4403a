package dev.bookmarks.client.cli;

import dev.bookmarks.client.Bookmark;
import dev.bookmarks.client.BookmarkDraft;
import dev.bookmarks.client.BookmarksClient;
import dev.bookmarks.client.BookmarksException;
import dev.bookmarks.client.Page;
import dev.bookmarks.client.TagCount;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code bookmarks add|list|rm|tags --user U [options]}, over {@link BookmarksClient}.
 *
 * <p>Exit codes: 0 done, 1 the service refused or no gateway answered, 2 bad usage.
 */
public final class BookmarksCli {

    static final String USAGE = String.join(System.lineSeparator(),
            "usage: bookmarks <add|list|rm|tags> --user U [options]",
            "  add   --url URL [--title T] [--tag T]... [--notes N]   create a bookmark, print it as JSON",
            "  list  [--tag T] [--q TEXT] [--limit N] [--cursor C]    list newest first (table; --json for JSON)",
            "  rm    --id ID                                          delete a bookmark",
            "  tags                                                   each tag with its count",
            "options:",
            "  --server URL      the service (default https://127.0.0.1:8443); its name resolves to every gateway",
            "  --ports P,P,...   gateways on several ports of that host, e.g. compose's 8443,8444,8445",
            "  --cacert FILE     trust exactly the PEM certificate(s) in FILE (e.g. data/gateway-1/tls/gateway.crt)",
            "  --token T         bearer token (or env BOOKMARKS_TOKEN)",
            "  --dev-token       fetch a token from the server's /auth/dev-token (local stack only)",
            "  --json            print JSON instead of a table",
            "  --attempts N      attempts per call (default 3)");

    private static final Set<String> FLAGS = Set.of("--dev-token", "--json", "--help");
    private static final Set<String> VALUED = Set.of("--user", "--url", "--title", "--tag", "--notes", "--id",
            "--q", "--limit", "--cursor", "--server", "--ports", "--cacert", "--token", "--attempts");

    private BookmarksCli() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err, System.getenv("BOOKMARKS_TOKEN")));
    }

    /** Runs one command; returns the exit code. */
    public static int run(String[] args, PrintStream out, PrintStream err, String envToken) {
        Map<String, List<String>> options = new HashMap<>();
        String command = null;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (FLAGS.contains(arg)) {
                options.computeIfAbsent(arg, k -> new ArrayList<>()).add("true");
            } else if (VALUED.contains(arg)) {
                if (i + 1 >= args.length) {
                    return usage(err, "missing value for " + arg);
                }
                options.computeIfAbsent(arg, k -> new ArrayList<>()).add(args[++i]);
            } else if (arg.startsWith("--")) {
                return usage(err, "unknown option " + arg);
            } else if (command == null) {
                command = arg;
            } else {
                return usage(err, "unexpected argument " + arg);
            }
        }
        if (options.containsKey("--help")) {
            out.println(USAGE);
            return 0;
        }
        if (command == null || !Set.of("add", "list", "rm", "tags").contains(command)) {
            return usage(err, command == null ? "no command" : "unknown command " + command);
        }
        String user = one(options, "--user");
        if (user == null) {
            return usage(err, "--user is required");
        }
        boolean asJson = options.containsKey("--json");
        try {
            BookmarksClient.Builder builder = BookmarksClient.builder(
                    URI.create(or(one(options, "--server"), "https://127.0.0.1:8443")));
            String ports = one(options, "--ports");
            if (ports != null) {
                // A port that is not a number is a NumberFormatException: an IllegalArgumentException, so usage.
                builder.ports(java.util.Arrays.stream(ports.split(",")).map(String::trim)
                        .mapToInt(Integer::parseInt).toArray());
            }
            String cacert = one(options, "--cacert");
            if (cacert != null) {
                builder.trustCertificate(Path.of(cacert));
            }
            String attempts = one(options, "--attempts");
            if (attempts != null) {
                builder.maxAttempts(Integer.parseInt(attempts));
            }
            String token = or(one(options, "--token"), envToken);
            if (options.containsKey("--dev-token")) {
                token = builder.build().devToken(user);
            }
            BookmarksClient client = builder.token(token).build();
            switch (command) {
                case "add" -> {
                    String url = one(options, "--url");
                    if (url == null) {
                        return usage(err, "add needs --url");
                    }
                    Bookmark created = client.create(user, new BookmarkDraft(url, one(options, "--title"),
                            options.getOrDefault("--tag", List.of()), one(options, "--notes")));
                    out.println(client.toJson(created));
                }
                case "list" -> {
                    String limit = one(options, "--limit");
                    Page page = client.list(user, one(options, "--tag"), one(options, "--q"),
                            limit == null ? null : Integer.valueOf(limit), one(options, "--cursor"));
                    out.println(asJson ? client.toJson(page) : table(page));
                }
                case "rm" -> {
                    String id = one(options, "--id");
                    if (id == null) {
                        return usage(err, "rm needs --id");
                    }
                    client.delete(user, id);
                    out.println("deleted " + id);
                }
                default -> {
                    List<TagCount> tags = client.tags(user);
                    if (asJson) {
                        out.println(client.toJson(tags));
                    } else {
                        tags.forEach(t -> out.printf("%6d  %s%n", t.count(), t.tag()));
                    }
                }
            }
            return 0;
        } catch (BookmarksException e) {
            err.println("bookmarks: " + e.getMessage());
            return 1;
        } catch (IllegalArgumentException | java.io.UncheckedIOException e) {
            return usage(err, e.getMessage());
        }
    }

    private static String table(Page page) {
        StringBuilder text = new StringBuilder();
        text.append(String.format("%-36s  %-40s  %-30s  %s%n", "ID", "URL", "TITLE", "TAGS"));
        for (Bookmark b : page.items()) {
            text.append(String.format("%-36s  %-40s  %-30s  %s%n", b.id(), cut(b.url(), 40), cut(b.title(), 30),
                    String.join(",", b.tags())));
        }
        if (page.nextCursor() != null) {
            text.append("more: --cursor ").append(page.nextCursor()).append(System.lineSeparator());
        }
        return text.toString().stripTrailing();
    }

    private static String cut(String s, int max) {
        if (s == null) {
            return "";
        }
        return s.length() <= max ? s : s.substring(0, max - 1) + "…";
    }

    private static String one(Map<String, List<String>> options, String name) {
        List<String> values = options.get(name);
        return values == null ? null : values.get(values.size() - 1);
    }

    private static String or(String value, String fallback) {
        return value != null ? value : fallback;
    }

    private static int usage(PrintStream err, String problem) {
        err.println("bookmarks: " + problem);
        err.println(USAGE);
        return 2;
    }
}
