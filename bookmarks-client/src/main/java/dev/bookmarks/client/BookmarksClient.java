package dev.bookmarks.client;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.net.InetAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.StringJoiner;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import tools.jackson.core.JacksonException;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The bookmarks service's Java client, with failover across gateways (docs/architecture.md, "Clients"). The
 * calls are here; {@link FailoverTransport} sends them, {@link RetryPolicy} decides what is retried.
 *
 * <h2>Choosing an address</h2>
 * Before every call the client resolves the base URI's host to all its addresses
 * ({@link InetAddress#getAllByName}, so a hosts file given with {@code -Djdk.net.hosts.file} or the JVM's DNS
 * cache apply). Each address at each port is one endpoint; the port is the base URI's, or each of
 * {@link Builder#ports} (gateways on several ports of one host, as docker-compose publishes them). The client
 * shuffles the endpoints with its {@link Random} and sends attempt <i>k</i> to the <i>k</i>-th endpoint
 * (wrapping around when there are fewer endpoints than attempts): a retry never goes back to the endpoint that
 * just failed while another one is left, and an endpoint whose connect failed in the last
 * {@link Builder#connectFailurePause} goes after the others. It retries on a connect failure or connect
 * timeout, a request timeout, any other I/O error (connection reset, closed before the answer), on 502, 503
 * and 504, and on a 409 with {@code Retry-After} to a POST (its own earlier attempt still running at the
 * shard); it waits for {@code Retry-After} (seconds or an HTTP date, capped by {@link Builder#maxRetryAfter})
 * when the answer has one, and otherwise for an exponential backoff with full jitter. Every POST carries an
 * {@code Idempotency-Key} (a random UUID) that stays the same on all attempts of that call, so every call,
 * POST included, is safe to retry. A certificate the trust store refuses is never retried.
 *
 * <h2>TLS and the host name</h2>
 * {@link HttpClient} (JDK 17) cannot be told which address to use for a name, so each request goes to the IP
 * literal and port of the chosen endpoint ({@code https://10.0.0.12:8443/api/...}). The alternatives were worse: a
 * custom {@code InetAddressResolverProvider} is JVM-wide (and JDK 18+), and overriding the {@code Host}
 * header needs the JVM-wide {@code -Djdk.httpclient.allowRestrictedHeaders=host}. TLS still uses the
 * service's name: the client's {@link SSLContext} is wrapped ({@link HostPinningSslContext}) so that every
 * engine is created for the base URI's host; the JDK sends it as SNI (when it is a dotted DNS name) and
 * verifies the certificate against it (endpoint identification {@code HTTPS}). So the certificate must be
 * valid for the name in the base URI, not for the addresses. The trade-offs: the {@code Host} header carries
 * the IP literal and port, not the name (the gateways do not route on it; a name-based virtual host or an
 * L7 proxy in front would need {@code allowRestrictedHeaders=host}); HTTP/1.1 is used, and pooled
 * connections are kept per endpoint. In production the gateways' certificate must carry the service name
 * (e.g. {@code bookmarks.example.com}) as a DNS SAN, issued by a CA in the client's trust store (the JDK's by
 * default); the local stack's self-signed certificate has SANs localhost, 127.0.0.1 and ::1, so use
 * {@code https://127.0.0.1:8443} or {@code https://localhost:8443} with {@link Builder#trustCertificate}.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class BookmarksClient {

    private final URI base;
    private final Supplier<String> tokens;
    private final JsonMapper json;
    private final FailoverTransport transport;

    private BookmarksClient(Builder b) {
        this.base = b.base;
        this.tokens = b.tokens;
        this.json = JsonMapper.builder()
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .changeDefaultPropertyInclusion(incl -> incl.withValueInclusion(JsonInclude.Include.NON_NULL))
                .build();
        String host = b.base.getHost();
        String sniHost = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        HttpClient http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(b.connectTimeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .sslContext(new HostPinningSslContext(b.sslContext(), sniHost))
                .build();
        // One Random for the endpoint order and the jitter, so that one seed fixes a whole call.
        RetryPolicy retries = new RetryPolicy(b.initialBackoff, b.maxBackoff, b.maxRetryAfter, b.random, b.clock);
        this.transport = new FailoverTransport(new FailoverTransport.Settings(b.base, b.requestTimeout, b.maxAttempts,
                b.random, b.clock, b.sleeper, b.resolver, b.connectFailurePause, b.ports), http, retries,
                new ProblemDecoder(json));
    }

    /** A builder for a client of the service at {@code base}, e.g. {@code https://bookmarks.example.com:8443}. */
    public static Builder builder(URI base) {
        return new Builder(base);
    }

    /** The base URI this client was built with. */
    public URI baseUri() {
        return base;
    }

    /** {@code POST /api/users/{userId}/bookmarks}: creates a bookmark (with an Idempotency-Key). */
    public Bookmark create(String userId, BookmarkDraft draft) {
        return read(send("POST", userPath(userId, "bookmarks"), null, json.writeValueAsString(draft), true),
                Bookmark.class);
    }

    /** {@code GET /api/users/{userId}/bookmarks}: one page, newest first; every filter may be null. */
    public Page list(String userId, String tag, String q, Integer limit, String cursor) {
        StringJoiner query = new StringJoiner("&");
        param(query, "tag", tag);
        param(query, "q", q);
        param(query, "limit", limit == null ? null : limit.toString());
        param(query, "cursor", cursor);
        return read(send("GET", userPath(userId, "bookmarks"), query.toString(), null, true), Page.class);
    }

    /** {@code GET /api/users/{userId}/bookmarks/{id}}; a missing one is a {@link BookmarksException} with 404. */
    public Bookmark get(String userId, String id) {
        return read(send("GET", userPath(userId, "bookmarks") + "/" + segment(id), null, null, true), Bookmark.class);
    }

    /** {@code PUT /api/users/{userId}/bookmarks/{id}}: a full replace. */
    public Bookmark replace(String userId, String id, BookmarkDraft draft) {
        return read(send("PUT", userPath(userId, "bookmarks") + "/" + segment(id), null,
                json.writeValueAsString(draft), true), Bookmark.class);
    }

    /** {@code DELETE /api/users/{userId}/bookmarks/{id}}; deleting a missing bookmark succeeds too. */
    public void delete(String userId, String id) {
        send("DELETE", userPath(userId, "bookmarks") + "/" + segment(id), null, null, true);
    }

    /** {@code GET /api/users/{userId}/tags}: each tag with its count. */
    public List<TagCount> tags(String userId) {
        String body = send("GET", userPath(userId, "tags"), null, null, true).body();
        try {
            return json.readValue(body, new TypeReference<List<TagCount>>() { });
        } catch (JacksonException e) {
            throw new BookmarksException(200, "unreadable answer", e.getOriginalMessage(), body, e);
        }
    }

    /**
     * {@code POST /auth/dev-token}: a development token for {@code userId}. Only the local stack's gateways
     * have this endpoint; sent without Authorization.
     */
    public String devToken(String userId) {
        HttpResponse<String> response = send("POST", "/auth/dev-token", null,
                json.writeValueAsString(Map.of("userId", userId)), false);
        JsonNode token = readTree(response.body()).get("token");
        if (token == null || !token.isString()) {
            throw new BookmarksException(response.statusCode(), "no token in the answer", null, response.body(), null);
        }
        return token.asString();
    }

    private HttpResponse<String> send(String method, String path, String query, String body, boolean authorize) {
        return transport.send(method, path, query, body, authorize && tokens != null ? tokens.get() : null);
    }

    private <T> T read(HttpResponse<String> response, Class<T> type) {
        try {
            return json.readValue(response.body(), type);
        } catch (JacksonException e) {
            throw new BookmarksException(response.statusCode(), "unreadable answer", e.getOriginalMessage(),
                    response.body(), e);
        }
    }

    private JsonNode readTree(String body) {
        try {
            return json.readTree(body);
        } catch (JacksonException e) {
            throw new BookmarksException(200, "unreadable answer", e.getOriginalMessage(), body, e);
        }
    }

    /** Writes a value as JSON with this client's settings (the CLI prints with it). */
    public String toJson(Object value) {
        return json.writerWithDefaultPrettyPrinter().writeValueAsString(value);
    }

    private static String userPath(String userId, String collection) {
        Objects.requireNonNull(userId, "userId");
        return "/api/users/" + segment(userId) + "/" + collection;
    }

    private static String segment(String value) {
        return URLEncoder.encode(Objects.requireNonNull(value), StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static void param(StringJoiner query, String name, String value) {
        if (value != null && !value.isEmpty()) {
            query.add(name + "=" + URLEncoder.encode(value, StandardCharsets.UTF_8));
        }
    }

    /** Builds a {@link BookmarksClient}; every setting but the base URI has a default. */
    public static final class Builder {

        private final URI base;
        private Supplier<String> tokens;
        private Duration connectTimeout = Duration.ofSeconds(1);
        private Duration requestTimeout = Duration.ofSeconds(10);
        private int maxAttempts = 3;
        private Duration initialBackoff = Duration.ofMillis(100);
        private Duration maxBackoff = Duration.ofSeconds(2);
        private Duration maxRetryAfter = Duration.ofSeconds(5);
        private Random random = new Random();
        private Clock clock = Clock.systemUTC();
        private Sleeper sleeper = Sleeper.SYSTEM;
        private AddressResolver resolver = AddressResolver.SYSTEM;
        private Duration connectFailurePause = Duration.ofSeconds(5);
        /** Empty: the base URI's port alone (FailoverTransport works it out, with the scheme's default). */
        private List<Integer> ports = List.of();
        private SSLContext sslContext;

        private Builder(URI base) {
            Objects.requireNonNull(base, "base");
            if (!"https".equals(base.getScheme()) && !"http".equals(base.getScheme())) {
                throw new IllegalArgumentException("base URI must be http(s): " + base);
            }
            if (base.getHost() == null) {
                throw new IllegalArgumentException("base URI has no host: " + base);
            }
            this.base = base;
        }

        /** Where the bearer token comes from, asked once per call; null (the default) sends none. */
        public Builder tokenSupplier(Supplier<String> tokens) {
            this.tokens = tokens;
            return this;
        }

        /** A fixed bearer token. */
        public Builder token(String token) {
            return tokenSupplier(token == null ? null : () -> token);
        }

        /** How long one connect may take before the next endpoint is tried; default 1 s. */
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = positive(timeout, "connectTimeout");
            return this;
        }

        /** How long one attempt may wait for its answer; default 10 s. */
        public Builder requestTimeout(Duration timeout) {
            this.requestTimeout = positive(timeout, "requestTimeout");
            return this;
        }

        /** Attempts per call, the first included; default 3. */
        public Builder maxAttempts(int attempts) {
            if (attempts < 1) {
                throw new IllegalArgumentException("maxAttempts must be at least 1");
            }
            this.maxAttempts = attempts;
            return this;
        }

        /** Backoff between attempts: full jitter up to initial * 2^(n-1), at most max; default 100 ms, 2 s. */
        public Builder backoff(Duration initial, Duration max) {
            this.initialBackoff = positive(initial, "initial backoff");
            this.maxBackoff = positive(max, "max backoff");
            return this;
        }

        /** The longest Retry-After honoured; longer ones are cut to this; default 5 s. */
        public Builder maxRetryAfter(Duration max) {
            this.maxRetryAfter = Objects.requireNonNull(max, "maxRetryAfter");
            return this;
        }

        /**
         * How long an endpoint (address and port) whose connect was refused or timed out goes to the end of the
         * order, so that calls do not each pay a failed connect (up to the connect timeout) to a gateway that is
         * gone; it is still tried when every endpoint before it failed, and any answer from it ends the pause.
         * Default 5 s; zero turns it off. A kind of outlier ejection, as Envoy's, from connect failures alone: a
         * 503 may be a shard's and says nothing about the gateway.
         */
        public Builder connectFailurePause(Duration pause) {
            Objects.requireNonNull(pause, "connectFailurePause");
            if (pause.isNegative() || pause.compareTo(Duration.ofMinutes(10)) > 0) {
                throw new IllegalArgumentException("connectFailurePause must be in [0, 10 min]: " + pause);
            }
            this.connectFailurePause = pause;
            return this;
        }

        /** The randomness for the endpoint order and the jitter (seed it in tests). */
        public Builder random(Random random) {
            this.random = Objects.requireNonNull(random, "random");
            return this;
        }

        /** The clock for Retry-After dates and connect-failure pauses. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** How the client waits between attempts (tests record instead of sleeping). */
        public Builder sleeper(Sleeper sleeper) {
            this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
            return this;
        }

        /** How the base URI's host becomes addresses; default {@link AddressResolver#SYSTEM}. */
        public Builder resolver(AddressResolver resolver) {
            this.resolver = Objects.requireNonNull(resolver, "resolver");
            return this;
        }

        /**
         * Gateways on several ports of the base URI's host, as docker-compose publishes them (e.g.
         * {@code https://127.0.0.1:8443} with ports 8443, 8444 and 8445): every address of the host at each of
         * these ports is one endpoint of the failover order. They replace the base URI's port, which is used
         * only if listed. The default is the base URI's port alone (or the scheme's default). At least one,
         * each in [1, 65535], no duplicates; TLS is still verified against the base URI's host.
         */
        public Builder ports(int... ports) {
            Objects.requireNonNull(ports, "ports");
            if (ports.length == 0) {
                throw new IllegalArgumentException("ports must name at least one port");
            }
            List<Integer> checked = new ArrayList<>(ports.length);
            for (int port : ports) {
                if (port < 1 || port > 65535) {
                    throw new IllegalArgumentException("ports must be in [1, 65535]: " + port);
                }
                if (checked.contains(port)) {
                    // A repeated port would be two endpoints for one gateway: twice the share of calls, and a
                    // retry that could go back to the gateway that just failed.
                    throw new IllegalArgumentException("ports must not repeat: " + port);
                }
                checked.add(port);
            }
            this.ports = List.copyOf(checked);
            return this;
        }

        /** Trust exactly the certificate(s) in this PEM file (e.g. the local stack's gateway.crt). */
        public Builder trustCertificate(Path pemFile) {
            this.sslContext = TrustStores.trustingCertificates(pemFile);
            return this;
        }

        /** Trust the certificates of this trust store (PKCS12 or JKS). */
        public Builder trustStore(Path trustStore, char[] password) {
            this.sslContext = TrustStores.trustingStore(trustStore, password);
            return this;
        }

        /** Use this SSL context; the default is the JDK's (its cacerts, or -Djavax.net.ssl.trustStore). */
        public Builder sslContext(SSLContext context) {
            this.sslContext = Objects.requireNonNull(context, "sslContext");
            return this;
        }

        public BookmarksClient build() {
            return new BookmarksClient(this);
        }

        SSLContext sslContext() {
            if (sslContext != null) {
                return sslContext;
            }
            try {
                return SSLContext.getDefault();
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }

        private static Duration positive(Duration d, String name) {
            if (d == null || d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(name + " must be positive");
            }
            return d;
        }
    }
}
