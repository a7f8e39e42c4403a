package dev.bookmarks.gateway.security;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.client.ClientRequest;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.ExchangeFilterFunction;
import org.springframework.web.reactive.function.client.ExchangeFunction;
import reactor.core.publisher.Mono;

/**
 * Fetches the issuer's JWK set at most once per {@code minInterval}. Spring's decoder fetches the set again
 * whenever a token names a key id it does not hold, so without a bound every request with a made-up {@code kid}
 * would cost the gateway (and the issuer) a fetch; within the interval the last set fetched is answered
 * instead, and an unknown key id is refused on it. A key the issuer really rotated in is usable at most
 * {@code minInterval} after its first token, the bound Nimbus's own JWK source applies by default (30 s).
 */
final class JwkSetFetchLimit implements ExchangeFilterFunction {

    private record Fetched(String body, long atNanos) {
    }

    private final long minIntervalNanos;
    private final LongSupplier nanoTime;
    private final AtomicReference<Fetched> last = new AtomicReference<>();

    JwkSetFetchLimit(Duration minInterval, LongSupplier nanoTime) {
        this.minIntervalNanos = minInterval.toNanos();
        this.nanoTime = nanoTime;
    }

    @Override
    public Mono<ClientResponse> filter(ClientRequest request, ExchangeFunction next) {
        Fetched fetched = last.get();
        if (fetched != null && nanoTime.getAsLong() - fetched.atNanos() < minIntervalNanos) {
            return Mono.just(ClientResponse.create(HttpStatus.OK)
                    .header(HttpHeaders.CONTENT_TYPE, MediaType.APPLICATION_JSON_VALUE).body(fetched.body()).build());
        }
        return next.exchange(request).flatMap(response -> {
            if (!response.statusCode().is2xxSuccessful()) {
                return Mono.just(response);
            }
            return response.bodyToMono(String.class).defaultIfEmpty("").map(body -> {
                last.set(new Fetched(body, nanoTime.getAsLong()));
                return ClientResponse.create(response.statusCode()).headers(h -> h.addAll(response.headers()
                        .asHttpHeaders())).body(body).build();
            });
        });
    }
}
