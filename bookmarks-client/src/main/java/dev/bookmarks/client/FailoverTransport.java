package dev.bookmarks.client;

import dev.bookmarks.protocol.ApiHeaders;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Sends one call, attempt after attempt, across the addresses of the base URI's host: the address order (shuffled
 * per call, addresses whose connect failed recently last), one request per attempt to an address's IP literal,
 * and the wait between attempts; {@link RetryPolicy} decides what is retried and how long to wait. A POST gets
 * one Idempotency-Key for all its attempts. See {@link BookmarksClient} for the whole contract.
 */
final class FailoverTransport {

    /** How to reach the gateways: everything the builder fixed. */
    record Settings(URI base, Duration requestTimeout, int maxAttempts, Random random, Clock clock, Sleeper sleeper,
            AddressResolver resolver, Duration connectFailurePause) {
    }

    private final Settings settings;
    private final String host;
    private final int port;
    private final String basePath;
    private final HttpClient http;
    private final RetryPolicy retries;
    private final ProblemDecoder problems;
    /** Addresses that refused or timed out a connect, and until when they go last in the order. */
    private final Map<InetAddress, Instant> pausedUntil = new ConcurrentHashMap<>();

    FailoverTransport(Settings settings, HttpClient http, RetryPolicy retries, ProblemDecoder problems) {
        this.settings = settings;
        URI base = settings.base();
        String name = base.getHost();
        this.host = name.startsWith("[") ? name.substring(1, name.length() - 1) : name;
        this.port = base.getPort() != -1 ? base.getPort() : ("https".equals(base.getScheme()) ? 443 : 80);
        String path = base.getRawPath() == null ? "" : base.getRawPath();
        this.basePath = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        this.http = http;
        this.retries = retries;
        this.problems = problems;
    }

    /**
     * Sends {@code method path?query} with {@code body} (JSON, or null) and {@code token} (or null) until an
     * attempt gets an answer below 400, an answer that is not worth retrying, or the attempts run out.
     *
     * @throws BookmarksException for a refusal, when no gateway answered, or when TLS verification failed
     */
    HttpResponse<String> send(String method, String path, String query, String body, String token) {
        String idempotencyKey = "POST".equals(method) ? UUID.randomUUID().toString() : null;
        List<InetAddress> order = addresses();
        HttpResponse<String> lastResponse = null;
        IOException lastError = null;
        // What each failed attempt met, for the message when no gateway answered: one line per address tried.
        List<String> failures = new ArrayList<>();
        int maxAttempts = settings.maxAttempts();
        for (int attempt = 1; attempt <= maxAttempts; attempt++) {
            InetAddress address = order.get((attempt - 1) % order.size());
            HttpRequest.Builder request = HttpRequest.newBuilder(uri(address, path, query))
                    .timeout(settings.requestTimeout())
                    .header("Accept", "application/json, application/problem+json");
            if (token != null) {
                request.header("Authorization", "Bearer " + token);
            }
            if (idempotencyKey != null) {
                request.header(ApiHeaders.IDEMPOTENCY_KEY, idempotencyKey);
            }
            if (body != null) {
                request.header("Content-Type", "application/json")
                        .method(method, HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
            } else {
                request.method(method, HttpRequest.BodyPublishers.noBody());
            }
            Duration wait;
            try {
                HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
                pausedUntil.remove(address);
                int status = response.statusCode();
                if (status < 400) {
                    return response;
                }
                Optional<Duration> asked = retries.retryAfter(response);
                if (!RetryPolicy.retryable(status, idempotencyKey != null, asked.isPresent())) {
                    throw problems.of(response);
                }
                lastResponse = response;
                lastError = null;
                wait = asked.isPresent() ? asked.get() : retries.backoff(attempt);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new BookmarksException(0, "interrupted", null, null, e);
            } catch (IOException e) {
                if (!RetryPolicy.retryable(e)) {
                    throw new BookmarksException(0, "TLS verification failed", ProblemDecoder.describe(e), null, e);
                }
                if (RetryPolicy.connectFailed(e) && !settings.connectFailurePause().isZero()) {
                    pausedUntil.put(address, settings.clock().instant().plus(settings.connectFailurePause()));
                }
                lastError = e;
                lastResponse = null;
                failures.add(address.getHostAddress() + ": " + ProblemDecoder.describe(e));
                wait = retries.backoff(attempt);
            }
            if (attempt < maxAttempts) {
                try {
                    settings.sleeper().sleep(wait);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new BookmarksException(0, "interrupted", null, null, e);
                }
            }
        }
        if (lastResponse != null) {
            throw problems.of(lastResponse);
        }
        throw new BookmarksException(0, "no gateway answered",
                maxAttempts + " attempt(s) to " + order + ": " + String.join("; ", failures), null, lastError);
    }

    private List<InetAddress> addresses() {
        List<InetAddress> all;
        try {
            all = new ArrayList<>(settings.resolver().resolve(host));
        } catch (UnknownHostException e) {
            throw new BookmarksException(0, "unknown host", host, null, e);
        }
        if (all.isEmpty()) {
            throw new BookmarksException(0, "unknown host", host + " has no address", null, null);
        }
        Collections.shuffle(all, settings.random());
        if (!pausedUntil.isEmpty()) {
            // Stable: the shuffled order stays among the usable addresses and among the paused ones.
            Instant now = settings.clock().instant();
            pausedUntil.values().removeIf(until -> !until.isAfter(now));
            Set<InetAddress> paused = Set.copyOf(pausedUntil.keySet());
            all.sort(Comparator.comparing(paused::contains));
        }
        return all;
    }

    private URI uri(InetAddress address, String path, String query) {
        String literal = address instanceof Inet6Address
                ? "[" + address.getHostAddress().replaceFirst("%.*$", "") + "]"
                : address.getHostAddress();
        String text = settings.base().getScheme() + "://" + literal + ":" + port + basePath + path
                + (query == null || query.isEmpty() ? "" : "?" + query);
        return URI.create(text);
    }
}
