package dev.bookmarks.bookmarkservice.migration;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Function;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpStatusCode;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClient;
import org.springframework.web.util.UriUtils;

/**
 * A migration target's view of its source: the calls of the source's internal API (package documentation),
 * each signed for the source's id ({@link InternalRequestSigner}) at the moment it is sent, so a retry is
 * signed afresh. Every answer but 200 is a {@link SourceException} carrying the status; 410 is
 * {@link LogTruncatedException}, after which only a fresh copy helps.
 */
final class SourceClient {

    private static final ParameterizedTypeReference<MigrationSource.Page<MigratedBookmark>> BOOKMARKS =
            new ParameterizedTypeReference<>() {
            };
    private static final ParameterizedTypeReference<MigrationSource.Page<MigratedIdempotencyRecord>> RECORDS =
            new ParameterizedTypeReference<>() {
            };

    /** The source answered something else than 200, or could not be reached (status 0). */
    static class SourceException extends RuntimeException {

        private final int status;

        SourceException(int status, String message) {
            super(message);
            this.status = status;
        }

        int status() {
            return status;
        }
    }

    /** 410: the source's log no longer reaches back to the position asked for. */
    static final class LogTruncatedException extends SourceException {
        LogTruncatedException(String message) {
            super(410, message);
        }
    }

    private final String sourceId;
    private final URI base;
    private final RestClient http;

    /**
     * @param builder a fresh builder (the application's, so calls are observed and traced)
     * @param sourceId the source's id in the ring, which the signature names as the callee
     * @param base the source's address, as the ring's directory has it
     */
    SourceClient(RestClient.Builder builder, InternalRequestSigner signer, String sourceId, URI base) {
        this.sourceId = sourceId;
        this.base = base;
        this.http = builder
                .requestInterceptor((request, body, execution) -> {
                    URI uri = request.getURI();
                    signer.sign(request.getMethod().name(), uri.getRawPath(), uri.getRawQuery(), body, sourceId)
                            .forEach(request.getHeaders()::set);
                    return execution.execute(request, body);
                })
                .defaultStatusHandler(HttpStatusCode::isError, (request, response) -> {
                    String detail = new String(response.getBody().readNBytes(2048), StandardCharsets.UTF_8);
                    String message = sourceId + " answered " + response.getStatusCode().value() + " to "
                            + request.getMethod() + " " + request.getURI().getRawPath() + ": " + detail;
                    if (response.getStatusCode().value() == 410) {
                        throw new LogTruncatedException(message);
                    }
                    throw new SourceException(response.getStatusCode().value(), message);
                })
                .build();
    }

    String sourceId() {
        return sourceId;
    }

    URI base() {
        return base;
    }

    /** The source's log position; with {@code epoch} (when not null), once the source holds that epoch. */
    MigrationController.Position position(Long epoch) {
        return get(MigrationController.Position.class, "/internal/migration/position",
                "epoch", epoch == null ? null : epoch.toString());
    }

    MigrationSource.Page<MigratedBookmark> bookmarks(SlotSet slots, String after, int limit) {
        return get(BOOKMARKS, "/internal/migration/slots/" + slots + "/bookmarks", "after", after,
                "limit", Integer.toString(limit));
    }

    MigrationSource.Page<MigratedIdempotencyRecord> idempotencyRecords(SlotSet slots, String after, int limit) {
        return get(RECORDS, "/internal/migration/slots/" + slots + "/idempotency", "after", after,
                "limit", Integer.toString(limit));
    }

    MigrationController.LogPage log(long after, SlotSet slots, int limit) {
        return get(MigrationController.LogPage.class, "/internal/migration/log", "after", Long.toString(after),
                "slots", slots.toString(), "limit", Integer.toString(limit));
    }

    /** The source's digest of the slots (see {@link SlotDigest}). */
    SlotDigest digest(SlotSet slots, Instant recordsSince) {
        return get(SlotDigest.class, "/internal/migration/slots/" + slots + "/digest",
                "recordsSince", Long.toString(recordsSince.toEpochMilli()));
    }

    private <T> T get(Class<T> type, String path, String... query) {
        return call(uri(path, query), spec -> spec.body(type));
    }

    private <T> T get(ParameterizedTypeReference<T> type, String path, String... query) {
        return call(uri(path, query), spec -> spec.body(type));
    }

    /**
     * The source's address with {@code path} and the query's name-value pairs (a null value leaves its name out),
     * each value encoded in full: a cursor's ':' and a key's '+' or '&' reach the source as the characters they
     * are, never as separators or spaces.
     */
    private URI uri(String path, String... query) {
        StringBuilder uri = new StringBuilder(base.toString().replaceAll("/+$", "")).append(path);
        char separator = '?';
        for (int i = 0; i < query.length; i += 2) {
            if (query[i + 1] != null) {
                uri.append(separator).append(query[i]).append('=')
                        .append(UriUtils.encode(query[i + 1], StandardCharsets.UTF_8));
                separator = '&';
            }
        }
        return URI.create(uri.toString());
    }

    private <T> T call(URI target, Function<RestClient.ResponseSpec, T> read) {
        try {
            T answer = read.apply(http.get().uri(target).retrieve());
            if (answer == null) {
                throw new SourceException(200, sourceId + " answered an empty body to " + target.getRawPath());
            }
            return answer;
        } catch (ResourceAccessException e) {
            throw new SourceException(0, sourceId + " could not be reached at " + base + ": " + e.getMessage());
        }
    }

    @Override
    public String toString() {
        return sourceId + " at " + base;
    }
}
