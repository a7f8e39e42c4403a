package dev.bookmarks.gateway;

import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.timeout.ReadTimeoutException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.util.concurrent.TimeoutException;
import org.springframework.http.HttpStatus;
import org.springframework.web.ErrorResponse;
import reactor.netty.channel.AbortedException;
import reactor.netty.http.client.PrematureCloseException;

/** How a failed call to a shard is classified, for the error handler, the breaker and the retries. */
public final class ShardFailures {

    private ShardFailures() {
    }

    /**
     * The shard could not be connected to: refused, no route, unknown host, or no connection within
     * the connect timeout. Nothing was sent, so a retry is safe for every method.
     */
    public static boolean isConnectFailure(Throwable error) {
        return hasCause(error, ConnectException.class) || hasCause(error, ConnectTimeoutException.class)
                || hasCause(error, NoRouteToHostException.class) || hasCause(error, UnknownHostException.class);
    }

    /**
     * The connection to the shard broke once the request was on its way, before the answer's headers came back:
     * closed early (Reactor Netty's {@link PrematureCloseException}, or its {@link AbortedException} when the
     * connection closed before the request could be sent), reset by the shard's side, a broken pipe, a closed
     * channel: any {@link IOException} of the connection that is not a connect failure. A shard that stops while
     * the gateway holds a pooled connection to it ends a request this way. Whether the shard acted on the
     * request is unknown, so only the client may retry it (and does, for an idempotent request or one with an
     * {@code Idempotency-Key}).
     */
    public static boolean isConnectionLost(Throwable error) {
        return !isConnectFailure(error) && (hasCause(error, IOException.class) || hasCause(error, AbortedException.class));
    }

    /**
     * No answer within the response timeout: Reactor Netty's {@link ReadTimeoutException}, or a
     * {@link TimeoutException} or 504 from Spring Cloud Gateway's own timeout, should one be configured.
     */
    public static boolean isTimeout(Throwable error) {
        return hasCause(error, ReadTimeoutException.class) || hasCause(error, TimeoutException.class)
                || error instanceof ErrorResponse response
                && response.getStatusCode().value() == HttpStatus.GATEWAY_TIMEOUT.value();
    }

    /** Whether the error says the shard is unhealthy (what its circuit breaker counts as a failure). */
    public static boolean isShardFailure(Throwable error) {
        return isConnectFailure(error) || isTimeout(error) || isConnectionLost(error);
    }

    /** Whether {@code type} is in the cause chain; bounded, since a chain can be a cycle. */
    public static boolean hasCause(Throwable error, Class<? extends Throwable> type) {
        Throwable cause = error;
        for (int depth = 0; cause != null && depth < 16; depth++, cause = cause.getCause()) {
            if (type.isInstance(cause)) {
                return true;
            }
        }
        return false;
    }
}
