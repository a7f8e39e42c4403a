package dev.bookmarks.gateway.limits;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class AddressBucketsTest {

    private final AtomicLong now = new AtomicLong(1_000_000_000_000L);
    private final AddressBuckets buckets = new AddressBuckets(2, 4, now::get);

    @Test
    void anAddressMaySendItsBurstAtOnceAndThenItsRate() {
        for (int i = 0; i < 4; i++) {
            assertThat(buckets.take("10.0.0.1")).as("request %d of the burst", i + 1).isEmpty();
        }
        assertThat(buckets.take("10.0.0.1")).hasValue(1);

        now.addAndGet(500_000_000L); // half a second: one token at 2 a second
        assertThat(buckets.take("10.0.0.1")).isEmpty();
        assertThat(buckets.take("10.0.0.1")).hasValue(1);
    }

    @Test
    void aRefusedRequestTakesNoTokenAndTheBucketRefillsOnlyToTheBurst() {
        for (int i = 0; i < 10; i++) {
            buckets.take("10.0.0.1");
        }
        now.addAndGet(60_000_000_000L);

        for (int i = 0; i < 4; i++) {
            assertThat(buckets.take("10.0.0.1")).isEmpty();
        }
        assertThat(buckets.take("10.0.0.1")).isPresent();
    }

    @Test
    void eachAddressHasItsOwnBucket() {
        for (int i = 0; i < 4; i++) {
            buckets.take("10.0.0.1");
        }

        assertThat(buckets.take("10.0.0.1")).isPresent();
        assertThat(buckets.take("10.0.0.2")).isEmpty();
    }
}
