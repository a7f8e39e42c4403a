package dev.bookmarks.localstack;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one-command local stack ({@code java -jar local-stack/target/local-stack.jar}): starts a {@link LocalStack}
 * on the default ports, waits for a first list request to succeed, prints the {@link Banner}, reports any part
 * that exits on its own, and stops everything on Ctrl-C.
 */
public final class Launcher {

    private static final Pattern TOKEN = Pattern.compile("\"token\"\\s*:\\s*\"([^\"]+)\"");

    private Launcher() {
    }

    /** An optional argument names the data directory (default {@code ./data}). Exits with 1 if the stack cannot start. */
    public static void main(String[] args) {
        long begin = System.nanoTime();
        Path cwd = Path.of("").toAbsolutePath();
        Path dataDir = args.length > 0 ? Path.of(args[0]) : cwd.resolve("data");
        Options options = Options.defaults(Options.findRepoRoot(cwd), dataDir);
        System.out.println("[local-stack] starting Redis, the registry, the development issuer, " + options.shardCount()
                + " shards and " + options.gatewayCount() + " gateways; data in " + options.dataDir() + ", logs in "
                + options.dataDir().resolve("logs"));
        LocalStack stack;
        try {
            stack = LocalStack.start(options);
        } catch (RuntimeException e) {
            System.err.println("[local-stack] could not start: " + e.getMessage());
            System.exit(1);
            return;
        }
        Thread hook = new Thread(() -> {
            System.out.println("[local-stack] stopping (SIGTERM, up to " + LocalStack.GRACE.toSeconds() + " s each) ...");
            stack.close();
            System.out.println("[local-stack] stopped; data kept in " + options.dataDir());
        }, "local-stack-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);

        double readySeconds = (System.nanoTime() - begin) / 1e9;
        HttpClient http = stack.gatewayClient().build();
        long probeDeadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        int status = -1;
        while (System.nanoTime() < probeDeadline && (status = probeList(stack, http, 0, "alice")) != 200) {
            Readiness.sleep(250);
        }
        double firstRequestSeconds = (System.nanoTime() - begin) / 1e9;
        System.out.println(Banner.of(stack, readySeconds, status == 200 ? firstRequestSeconds : -1));
        watch(stack);
    }

    /** Keeps the launcher alive, reporting any child that exits on its own, until Ctrl-C. */
    private static void watch(LocalStack stack) {
        List<Service> reported = new ArrayList<>();
        while (true) {
            for (Service service : stack.services()) {
                if (!service.process().isAlive() && !reported.contains(service) && !stack.isClosed()) {
                    reported.add(service);
                    System.err.println("[local-stack] " + service.name() + " exited with code "
                            + service.process().exitCode() + "; see " + service.process().log());
                }
            }
            Readiness.sleep(1000);
        }
    }

    /**
     * Asks gateway {@code index} for a development token for {@code userId} and lists that user's bookmarks
     * with it; returns the list's status (or -1 when the gateway did not answer).
     */
    static int probeList(LocalStack stack, HttpClient http, int index, String userId) {
        try {
            HttpResponse<String> token = http.send(HttpRequest.newBuilder(URI.create(stack.gatewayUrl(index)
                            + "/auth/dev-token"))
                    .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"userId\":\"" + userId + "\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            Matcher matcher = TOKEN.matcher(token.body());
            if (token.statusCode() != 200 || !matcher.find()) {
                return token.statusCode();
            }
            return http.send(HttpRequest.newBuilder(URI.create(stack.gatewayUrl(index) + "/api/users/" + userId
                            + "/bookmarks"))
                    .timeout(Duration.ofSeconds(10)).header("Authorization", "Bearer " + matcher.group(1)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }
}
