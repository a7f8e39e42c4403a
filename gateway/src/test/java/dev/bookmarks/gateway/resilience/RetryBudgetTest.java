package dev.bookmarks.gateway.resilience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RetryBudgetTest {

    private final AtomicLong now = new AtomicLong(1_000_000_000L);

    @Test
    void allowsAboutRatioRetriesPerRequestWhenTheMinimumIsZero() {
        RetryBudget budget = RetryBudget.newBuilder().ratio(0.2).minRetriesPerSecond(0).nanoTime(now::get).build();

        int retries = 0;
        for (int i = 0; i < 1000; i++) {
            budget.onRequest();
            if (budget.tryWithdraw()) {
                retries++;
            }
        }

        assertThat(retries).isBetween(199, 200);
        assertThat(budget.tryWithdraw()).isFalse();
    }

    @Test
    void allowsTheMinimumPerSecondWithoutAnyRequestsButNoMore() {
        RetryBudget budget = RetryBudget.newBuilder().ratio(0.2).minRetriesPerSecond(3).nanoTime(now::get).build();

        assertThat(withdrawAll(budget)).isEqualTo(3);
        now.addAndGet(TimeUnit.MILLISECONDS.toNanos(500));
        assertThat(withdrawAll(budget)).isEqualTo(1);
        now.addAndGet(TimeUnit.SECONDS.toNanos(60));
        assertThat(withdrawAll(budget)).as("the reserve holds one second's worth").isEqualTo(3);
    }

    @Test
    void capsTheDepositedTokens() {
        RetryBudget budget = RetryBudget.newBuilder().ratio(1).minRetriesPerSecond(0).maxTokens(5)
                .nanoTime(now::get).build();
        for (int i = 0; i < 100; i++) {
            budget.onRequest();
        }

        assertThat(budget.available()).isEqualTo(5.0);
        assertThat(withdrawAll(budget)).isEqualTo(5);
    }

    @Test
    void refusesSettingsOutOfRange() {
        assertThatThrownBy(() -> RetryBudget.newBuilder().ratio(0).build()).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RetryBudget.newBuilder().ratio(1.5).build()).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RetryBudget.newBuilder().ratio(Double.NaN).build())
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RetryBudget.newBuilder().minRetriesPerSecond(-1).build())
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RetryBudget.newBuilder().maxTokens(0.5).build())
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static int withdrawAll(RetryBudget budget) {
        int n = 0;
        while (n < 10_000 && budget.tryWithdraw()) {
            n++;
        }
        return n;
    }
}
