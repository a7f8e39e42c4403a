package dev.bookmarks.bookmarkservice.migration;

import dev.bookmarks.bookmarkservice.ActingGateway;
import dev.bookmarks.protocol.InternalSecret;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

/** Calls a shard's internal API as another shard would: every request signed by {@code caller} for {@code callee}. */
final class InternalClient {

    private final String base;
    private final InternalRequestSigner signer;
    private final String callee;

    InternalClient(int port, String secret, String caller, String callee) {
        this.base = "http://127.0.0.1:" + port;
        this.signer = new InternalRequestSigner(InternalSecret.parse(secret), caller, Clock.systemUTC());
        this.callee = callee;
    }

    /** A signed GET of {@code pathAndQuery}, which must be spelled as it is to be sent (encoded where needed). */
    HttpResponse<String> get(String pathAndQuery) {
        URI uri = URI.create(base + pathAndQuery);
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).GET();
        headers("GET", uri.getRawPath(), uri.getRawQuery()).forEach(request::header);
        return ActingGateway.send(request.build());
    }

    /** The signature headers for a body-less request to {@code rawPath} and {@code rawQuery} as they are sent. */
    Map<String, String> headers(String method, String rawPath, String rawQuery) {
        return signer.sign(method, rawPath, rawQuery, new byte[0], callee);
    }
}
