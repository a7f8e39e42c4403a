package dev.bookmarks.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.timeout.ReadTimeoutException;
import java.io.IOException;
import java.net.ConnectException;
import java.nio.channels.ClosedChannelException;
import org.junit.jupiter.api.Test;
import reactor.netty.channel.AbortedException;
import reactor.netty.http.client.PrematureCloseException;

class ShardFailuresTest {

    @Test
    void takesAConnectionBrokenAfterTheRequestWasOnItsWayForALostConnection() {
        assertThat(ShardFailures.isConnectionLost(PrematureCloseException.TEST_EXCEPTION)).isTrue();
        assertThat(ShardFailures.isConnectionLost(AbortedException.beforeSend())).isTrue();
        assertThat(ShardFailures.isConnectionLost(new IOException("recvAddress(..) failed: Connection reset by peer")))
                .isTrue();
        assertThat(ShardFailures.isConnectionLost(new RuntimeException(new IOException("Broken pipe")))).isTrue();
        assertThat(ShardFailures.isConnectionLost(new ClosedChannelException())).isTrue();
    }

    @Test
    void keepsConnectFailuresTimeoutsAndTheGatewaysOwnErrorsApart() {
        assertThat(ShardFailures.isConnectionLost(new ConnectException("Connection refused"))).isFalse();
        assertThat(ShardFailures.isConnectionLost(new ConnectTimeoutException("connection timed out"))).isFalse();
        assertThat(ShardFailures.isConnectionLost(ReadTimeoutException.INSTANCE)).isFalse();
        assertThat(ShardFailures.isConnectionLost(new IllegalStateException("a bug"))).isFalse();
        assertThat(ShardFailures.isConnectFailure(new RuntimeException(new ConnectException("refused")))).isTrue();
        assertThat(ShardFailures.isTimeout(ReadTimeoutException.INSTANCE)).isTrue();
    }

    @Test
    void countsEveryShardSideFailureAndNothingElseAgainstTheBreaker() {
        assertThat(ShardFailures.isShardFailure(new IOException("Connection reset by peer"))).isTrue();
        assertThat(ShardFailures.isShardFailure(new ConnectException("Connection refused"))).isTrue();
        assertThat(ShardFailures.isShardFailure(ReadTimeoutException.INSTANCE)).isTrue();
        assertThat(ShardFailures.isShardFailure(new IllegalArgumentException("a bug"))).isFalse();
    }
}
