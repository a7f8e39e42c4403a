package dev.bookmarks.client;

import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpResponse;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.Random;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * What the client tries again and how long it waits first: which answers and errors are worth another attempt,
 * exponential backoff with full jitter, and {@code Retry-After} (seconds or an HTTP date, capped). Shares its
 * {@link Random} with the address order, so that one seed fixes a whole call.
 */
final class RetryPolicy {

    private final Duration initialBackoff;
    private final Duration maxBackoff;
    private final Duration maxRetryAfter;
    private final Random random;
    private final Clock clock;

    RetryPolicy(Duration initialBackoff, Duration maxBackoff, Duration maxRetryAfter, Random random, Clock clock) {
        this.initialBackoff = initialBackoff;
        this.maxBackoff = maxBackoff;
        this.maxRetryAfter = maxRetryAfter;
        this.random = random;
        this.clock = clock;
    }

    /** The wait before the next attempt: uniform in [0, min(maxBackoff, initialBackoff * 2^(n-1))). */
    Duration backoff(int failedAttempts) {
        long cap = initialBackoff.toMillis() << Math.min(failedAttempts - 1, 20);
        cap = Math.max(1, Math.min(cap, maxBackoff.toMillis()));
        return Duration.ofMillis((long) (random.nextDouble() * cap));
    }

    /** Retry-After as delta-seconds or an HTTP date, capped at maxRetryAfter; empty when absent or unreadable. */
    Optional<Duration> retryAfter(HttpResponse<?> response) {
        return response.headers().firstValue("Retry-After").flatMap(this::parseRetryAfter);
    }

    Optional<Duration> parseRetryAfter(String value) {
        String text = value.trim();
        Duration wait;
        try {
            wait = Duration.ofSeconds(Math.max(0, Long.parseLong(text)));
        } catch (NumberFormatException notSeconds) {
            try {
                Instant at = ZonedDateTime.parse(text, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
                wait = Duration.between(clock.instant(), at);
                if (wait.isNegative()) {
                    wait = Duration.ZERO;
                }
            } catch (DateTimeParseException notDate) {
                return Optional.empty();
            }
        }
        return Optional.of(wait.compareTo(maxRetryAfter) > 0 ? maxRetryAfter : wait);
    }

    /**
     * Whether an answer is worth another attempt: 502, 503 and 504 (a dying gateway, a shard away); and a 409
     * with {@code Retry-After} to a call that sent an Idempotency-Key, which is the shard saying that an earlier
     * attempt of this very call is still running (docs/architecture.md, "Idempotency-Key") &mdash; after a
     * reset or a timeout, the retry can overtake it. Any other 409 is a real conflict and is not retried.
     */
    static boolean retryable(int status, boolean sentIdempotencyKey, boolean hasRetryAfter) {
        return status == 502 || status == 503 || status == 504 || (status == 409 && sentIdempotencyKey && hasRetryAfter);
    }

    /** Whether another attempt may help: not when the certificate or host name was refused. */
    static boolean retryable(IOException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof CertificateException || t instanceof SSLPeerUnverifiedException
                    || t instanceof CertPathValidatorException) {
                return false;
            }
        }
        return true;
    }

    /** Whether the connection itself failed (refused, unreachable, connect timeout): no gateway is there. */
    static boolean connectFailed(IOException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ConnectException || t instanceof HttpConnectTimeoutException) {
                return true;
            }
        }
        return false;
    }
}
