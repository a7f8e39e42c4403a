package dev.bookmarks.gateway;

import io.netty.handler.codec.http.HttpMethod;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A plain HTTP/1.1 client for the gateway's ports. Reactor Netty's client, because it sends any
 * header as given (the JDK client refuses to send {@code Connection} and other hop-by-hop headers,
 * which the tests need to send).
 */
final class GatewayClient {

    /** The management operator of the tests' gateways: {@link #OPERATOR_PROPERTIES} configures it. */
    static final String OPERATOR = "operator";
    static final String OPERATOR_PASSWORD = "the operator password of the gateway tests";
    /** For {@code @SpringBootTest(properties = ...)} under the local profile, where {@code {noop}} is allowed. */
    static final String OPERATOR_NAME_PROPERTY = "bookmarks.management.users[0].name=" + OPERATOR;
    static final String OPERATOR_PASSWORD_PROPERTY = "bookmarks.management.users[0].password={noop}" + OPERATOR_PASSWORD;

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final HttpClient http;

    GatewayClient(int port) {
        // A new connection per request: Reactor Netty's shared pool would otherwise keep a connection
        // to a server an earlier test class closed, whose port the OS may hand to this one.
        this.http = HttpClient.create(ConnectionProvider.newConnection()).baseUrl("http://127.0.0.1:" + port)
                .responseTimeout(Duration.ofSeconds(20));
    }

    private GatewayClient(HttpClient http) {
        this.http = http;
    }

    /** A client of a management port that sends the tests' operator credential with every request. */
    static GatewayClient operator(int managementPort) {
        String credential = Base64.getEncoder().encodeToString(
                (OPERATOR + ":" + OPERATOR_PASSWORD).getBytes(StandardCharsets.UTF_8));
        return new GatewayClient(new GatewayClient(managementPort).http
                .headers(h -> h.set("Authorization", "Basic " + credential)));
    }

    Reply get(String path, String... headers) {
        return send("GET", path, null, headers);
    }

    Reply post(String path, String json, String... headers) {
        return send("POST", path, json, concat(headers, "Content-Type", "application/json"));
    }

    /** {@code headers} alternate name and value; a name may repeat. */
    Reply send(String method, String path, String body, String... headers) {
        return http.headers(h -> {
                    for (int i = 0; i + 1 < headers.length; i += 2) {
                        h.add(headers[i], headers[i + 1]);
                    }
                })
                .request(HttpMethod.valueOf(method))
                .uri(path)
                .send((request, out) -> body == null ? out : out.sendString(Mono.just(body)))
                .responseSingle((response, content) -> content.asString().defaultIfEmpty("").map(text -> {
                    Map<String, List<String>> received = new LinkedHashMap<>();
                    response.responseHeaders().forEach(entry -> received
                            .computeIfAbsent(entry.getKey().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                            .add(entry.getValue()));
                    return new Reply(response.status().code(), received, text);
                }))
                .block(Duration.ofSeconds(30));
    }

    static String[] bearer(String token) {
        return new String[] {"Authorization", "Bearer " + token};
    }

    /** A development token for {@code user} from the local profile's {@code /auth/dev-token}. */
    String devToken(String user) {
        Reply reply = post("/auth/dev-token", "{\"userId\":\"" + user + "\"}");
        if (reply.status() != 200) {
            throw new AssertionError("dev-token for " + user + ": " + reply.status() + " " + reply.text());
        }
        return reply.json().get("token").asString();
    }

    /** {@code headers} followed by {@code more}. */
    static String[] concat(String[] headers, String... more) {
        String[] all = new String[headers.length + more.length];
        System.arraycopy(headers, 0, all, 0, headers.length);
        System.arraycopy(more, 0, all, headers.length, more.length);
        return all;
    }

    record Reply(int status, Map<String, List<String>> headers, String text) {

        JsonNode json() {
            return JSON.readTree(text);
        }

        String header(String name) {
            List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
            return values == null || values.isEmpty() ? null : values.get(0);
        }

        boolean isProblem() {
            String type = header("Content-Type");
            return type != null && type.startsWith("application/problem+json");
        }
    }
}
