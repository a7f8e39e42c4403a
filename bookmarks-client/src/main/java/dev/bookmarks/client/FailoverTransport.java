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
 * Sends one call, attempt after attempt, across the endpoints of the gateways: every address of the base URI's
 * host at each of the ports. It fixes the endpoint order (shuffled per call, endpoints whose connect failed
 * recently last), sends one request per attempt to an endpoint's IP literal and port, and waits between
 * attempts; {@link RetryPolicy} decides what is retried and how long to wait. A POST gets one Idempotency-Key
 * for all its attempts. See {@link BookmarksClient} for the whole contract.
 */
final class FailoverTransport {

    /**
     * How to reach the gateways: everything the builder fixed. {@code ports} are the gateways' ports, already
     * checked; empty means the base URI's port (or the scheme's default).
     */
    record Settings(URI base, Duration requestTimeout, int maxAttempts, Random random, Clock clock, Sleeper sleeper,
            AddressResolver resolver, Duration connectFailurePause, List<Integer> ports) {

        Settings {
            ports = List.copyOf(ports);
        }
    }

    /** One place a gateway listens: an address of the base URI's host and a port; the unit of the order. */
    record Endpoint(InetAddress address, int port) {

        /** {@code 10.0.0.12:8443} or {@code [0:0:0:0:0:0:0:1]:8443}: the request URI's authority and the message's. */
        @Override
        public String toString() {
            return address instanceof Inet6Address
                    ? "[" + address.getHostAddress().replaceFirst("%.*$", "") + "]:" + port
                    : address.getHostAddress() + ":" + port;
        }
    }

    private final Settings settings;
    private final String host;
    private final List<Integer> ports;
    private final String basePath;
    private final HttpClient http;
    private final RetryPolicy retries;
    private final ProblemDecoder problems;
    /**
     * Endpoints that refused or timed out a connect, and until when they go last in the order. Per endpoint, not
     * per address: on one host, a gateway that is gone from one port says nothing of those on the others.
     */
    private final Map<Endpoint, Instant> pausedUntil = new ConcurrentHashMap<>();

    FailoverTransport(Settings settings, HttpClient http, RetryPolicy retries, ProblemDecoder problems) {
        this.settings = settings;
        URI base = settings.base();
        String name = base.getHost();
        this.host = name.startsWith("[") ? name.substring(1, name.length() - 1) : name;
        this.ports = !settings.ports().isEmpty() ? settings.ports()
                : List.of(base.getPort() != -1 ? base.getPort() : ("https".equals(base.getScheme()) ? 443 : 80));
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
        List<Endpoint> order = order();
        HttpResponse<String> lastResponse = null;
        IOException lastError = null;
        // What each failed attempt met, for the message when no gateway answered: one line per endpoint tried.
        List<String> failures = new ArrayList<>();
        int maxAttempts = settings.maxAttempts();
        for (int attempt = 1; attempt <= maxAttempts; attempt++) {
            Endpoint endpoint = order.get((attempt - 1) % order.size());
            HttpRequest.Builder request = HttpRequest.newBuilder(uri(endpoint, path, query))
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
                pausedUntil.remove(endpoint);
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
                    pausedUntil.put(endpoint, settings.clock().instant().plus(settings.connectFailurePause()));
                }
                lastError = e;
                lastResponse = null;
                failures.add(endpoint + ": " + ProblemDecoder.describe(e));
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

    /** This call's endpoint order: every address at every port, shuffled, paused endpoints last. */
    List<Endpoint> order() {
        List<InetAddress> addresses;
        try {
            addresses = settings.resolver().resolve(host);
        } catch (UnknownHostException e) {
            throw new BookmarksException(0, "unknown host", host, null, e);
        }
        if (addresses.isEmpty()) {
            throw new BookmarksException(0, "unknown host", host + " has no address", null, null);
        }
        // Address-major, so that with one port the list, and hence its shuffle under the same Random, is the
        // address order of a client without ports(): a seeded client picks the same addresses as before.
        List<Endpoint> all = new ArrayList<>(addresses.size() * ports.size());
        for (InetAddress address : addresses) {
            for (int port : ports) {
                all.add(new Endpoint(address, port));
            }
        }
        Collections.shuffle(all, settings.random());
        if (!pausedUntil.isEmpty()) {
            // Stable: the shuffled order stays among the usable endpoints and among the paused ones.
            Instant now = settings.clock().instant();
            pausedUntil.values().removeIf(until -> !until.isAfter(now));
            Set<Endpoint> paused = Set.copyOf(pausedUntil.keySet());
            all.sort(Comparator.comparing(paused::contains));
        }
        return all;
    }

    private URI uri(Endpoint endpoint, String path, String query) {
        String text = settings.base().getScheme() + "://" + endpoint + basePath + path
                + (query == null || query.isEmpty() ? "" : "?" + query);
        return URI.create(text);
    }
}
