package dev.bookmarks.gateway.limits;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class UserBucketsTest {

    private static final long SECOND = 1_000_000_000L;
    private static final long TOKEN = UserBuckets.MICROS_PER_TOKEN;

    private final AtomicLong now = new AtomicLong(1_000 * SECOND);
    private final UserBuckets buckets = new UserBuckets(2, 4, 1_000, now::get);

    @Test
    void aUserMaySendItsBurstAtOnceThenItsRateAndLearnsWhatIsLeft() {
        assertThat(List.of(buckets.take("alice"), buckets.take("alice"), buckets.take("alice"), buckets.take("alice")))
                .containsExactly(3L, 2L, 1L, 0L);
        long refused = buckets.take("alice");
        assertThat(UserBuckets.allowed(refused)).isFalse();
        assertThat(UserBuckets.retryAfterSeconds(refused)).isEqualTo(1);

        now.addAndGet(SECOND / 2); // half a second: one token at 2 a second
        assertThat(buckets.take("alice")).isZero();
        assertThat(UserBuckets.allowed(buckets.take("alice"))).isFalse();
    }

    @Test
    void aRefusedRequestTakesNoTokenAndTheBucketRefillsOnlyToTheBurst() {
        for (int i = 0; i < 10; i++) {
            buckets.take("alice");
        }
        now.addAndGet(60 * SECOND);

        for (int i = 0; i < 4; i++) {
            assertThat(UserBuckets.allowed(buckets.take("alice"))).as("request %d of the burst", i + 1).isTrue();
        }
        assertThat(UserBuckets.allowed(buckets.take("alice"))).isFalse();
    }

    @Test
    void retryAfterIsTheWholeSecondsUntilTheNextTokenAtLeastOne() {
        UserBuckets slow = new UserBuckets(1, 3, 1_000, now::get);
        for (int i = 0; i < 3; i++) {
            slow.take("alice");
        }
        assertThat(UserBuckets.retryAfterSeconds(slow.take("alice"))).isEqualTo(1);
        now.addAndGet(SECOND / 5);
        assertThat(UserBuckets.retryAfterSeconds(slow.take("alice"))).as("0.8 s rounds up").isEqualTo(1);

        slow.gateways(4); // a quarter of a token a second here: the next whole token is 4 s away
        now.addAndGet(4 * SECOND / 5); // the level, 1 token of 3 before, is a quarter now
        assertThat(UserBuckets.retryAfterSeconds(slow.take("alice"))).isEqualTo(3);
    }

    @Test
    void eachUserHasItsOwnBucket() {
        for (int i = 0; i < 4; i++) {
            buckets.take("alice");
        }

        assertThat(UserBuckets.allowed(buckets.take("alice"))).isFalse();
        assertThat(buckets.take("bob")).isEqualTo(3);
    }

    @Test
    void withGGatewaysEachHoldsAGthOfTheBurstAndRefillsAtAGthOfTheRate() {
        UserBuckets share = new UserBuckets(10, 100, 1_000, now::get);
        share.gateways(4);

        int allowed = 0;
        for (int i = 0; i < 100 && UserBuckets.allowed(share.take("alice")); i++) {
            allowed++;
        }
        assertThat(allowed).isEqualTo(25);

        now.addAndGet(2 * SECOND); // 2.5 tokens a second here
        allowed = 0;
        for (int i = 0; i < 100 && UserBuckets.allowed(share.take("alice")); i++) {
            allowed++;
        }
        assertThat(allowed).isEqualTo(5);
    }

    @Test
    void aReconcileReportsWhatWasTakenAndSetsTheShareOfTheGlobalRemaining() {
        UserBuckets share = new UserBuckets(10, 100, 1_000, now::get);
        for (int i = 0; i < 7; i++) {
            share.take("alice");
        }
        share.take("bob");

        List<UserBuckets.Report> reports = share.drain();

        assertThat(reports).extracting(UserBuckets.Report::user, UserBuckets.Report::spent)
                .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("alice", 7L),
                        org.assertj.core.groups.Tuple.tuple("bob", 1L));
        assertThat(share.drain()).as("nothing taken since").isEmpty();

        // Redis: 40 tokens left of alice's bucket, two gateways share it; one more request came in meanwhile.
        UserBuckets.Report alice = reports.stream().filter(r -> r.user().equals("alice")).findFirst().orElseThrow();
        share.take("alice");
        share.gateways(2);
        share.apply(alice, 40 * TOKEN);

        int allowed = 0;
        for (int i = 0; i < 100 && UserBuckets.allowed(share.take("alice")); i++) {
            allowed++;
        }
        assertThat(allowed).as("40 / 2, less the one taken since the report").isEqualTo(19);
        assertThat(share.drain()).extracting(UserBuckets.Report::spent).containsExactly(20L);
    }

    @Test
    void aGlobalDebtLeavesNoShareUntilTheRefillPaysItBack() {
        UserBuckets share = new UserBuckets(10, 100, 1_000, now::get);
        share.take("alice");
        UserBuckets.Report alice = share.drain().get(0);
        share.gateways(2);

        share.apply(alice, -30 * TOKEN);

        // This gateway's half of the debt, 15 tokens at 5 a second, is paid back after 3 s.
        long refused = share.take("alice");
        assertThat(UserBuckets.allowed(refused)).isFalse();
        assertThat(UserBuckets.retryAfterSeconds(refused)).isEqualTo(4);
        now.addAndGet(3 * SECOND);
        assertThat(UserBuckets.allowed(share.take("alice"))).isFalse();
        now.addAndGet(SECOND / 5); // then one token at 5 a second
        assertThat(UserBuckets.allowed(share.take("alice"))).isTrue();
        assertThat(UserBuckets.allowed(share.take("alice"))).isFalse();
    }

    @Test
    void onlyFullBucketsWithNothingToReportAreForgotten() {
        buckets.take("alice");
        buckets.take("bob");
        buckets.drain();
        buckets.take("bob");
        now.addAndGet(SECOND); // alice and bob full again; bob's last token not reported yet

        assertThat(buckets.evictFull()).isEqualTo(1);
        assertThat(buckets.size()).isEqualTo(1);
        assertThat(buckets.drain()).extracting(UserBuckets.Report::user).containsExactly("bob");
        assertThat(buckets.evictFull()).isEqualTo(1);
        assertThat(buckets.size()).isZero();
    }

    @Test
    void aBucketThatIsNotFullIsKeptSoForgettingIsNoWayAroundTheLimit() {
        for (int i = 0; i < 4; i++) {
            buckets.take("alice");
        }
        buckets.drain();

        assertThat(buckets.evictFull()).isZero();
        assertThat(UserBuckets.allowed(buckets.take("alice"))).isFalse();
    }

    @Test
    void aNewUserBeyondTheCapIsRefusedUntilAFullBucketIsForgottenWhileTrackedUsersGoOn() {
        UserBuckets capped = new UserBuckets(2, 4, 3, now::get);
        capped.take("a");
        capped.take("b");
        capped.take("c");

        long refused = capped.take("d");
        assertThat(UserBuckets.allowed(refused)).isFalse();
        assertThat(UserBuckets.retryAfterSeconds(refused)).isEqualTo(1);
        assertThat(UserBuckets.allowed(capped.take("a"))).isTrue();
        assertThat(capped.size()).isEqualTo(3);

        capped.drain();
        now.addAndGet(SECOND);
        capped.evictFull();
        assertThat(capped.take("d")).isEqualTo(3);
    }
}
