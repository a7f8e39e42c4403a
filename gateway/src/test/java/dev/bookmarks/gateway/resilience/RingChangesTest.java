package dev.bookmarks.gateway.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bookmarks.ring.Ring;
import dev.bookmarks.ring.Shard;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

class RingChangesTest {

    private static final Ring RING = Ring.create(1024, List.of(Shard.active("s-1", "http://127.0.0.1:9001", 1)));

    @Test
    void completesEveryWaiterOfTheNextChangeAndOnlyThose() {
        RingChanges changes = new RingChanges();
        Mono<Void> first = changes.next();
        Mono<Void> second = changes.next();

        changes.changed(RING);
        Mono<Void> afterTheChange = changes.next();

        StepVerifier.create(first).verifyComplete();
        StepVerifier.create(second).verifyComplete();
        StepVerifier.create(afterTheChange).expectSubscription().expectNoEvent(Duration.ofMillis(50)).thenCancel()
                .verify();
        changes.changed(RING.withEpoch(2));
        StepVerifier.create(afterTheChange).verifyComplete();
    }

    @Test
    void aWaiterSubscribedLateStillSeesTheChangeItWasAskedFor() {
        RingChanges changes = new RingChanges();
        Mono<Void> asked = changes.next();
        changes.changed(RING);

        StepVerifier.create(asked).verifyComplete();
    }
}
