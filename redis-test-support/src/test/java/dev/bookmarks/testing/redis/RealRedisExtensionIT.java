package dev.bookmarks.testing.redis;

import static dev.bookmarks.testing.redis.Commands.accepts;
import static dev.bookmarks.testing.redis.Commands.alive;
import static dev.bookmarks.testing.redis.Commands.send;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.platform.testkit.engine.EngineTestKit;

/**
 * Runs sample test classes through the Jupiter engine and checks what the extension did: one
 * Redis per class, shared with {@code @Nested} classes and injected parameters, and gone after
 * the class. The samples are static nested classes, which neither failsafe nor Jupiter run on
 * their own.
 */
class RealRedisExtensionIT {

    /** What the samples saw, in the order they saw it. */
    static final List<RealRedis> SEEN = new CopyOnWriteArrayList<>();

    @Test
    void oneProcessPerClassSharedWithNestedClassesAndClosedAfterIt() {
        SEEN.clear();

        EngineTestKit.engine("junit-jupiter").selectors(selectClass(ProcessSample.class)).execute()
                .testEvents().assertStatistics(stats -> stats.started(3).succeeded(3));

        assertThat(SEEN).hasSize(3);
        RealRedis redis = SEEN.get(0);
        assertThat(SEEN).allSatisfy(seen -> assertThat(seen).isSameAs(redis));
        assertThat(redis.controlsProcess()).isTrue();
        assertThat(alive(redis.pid())).isFalse();
        assertThat(redis.dataDir()).doesNotExist();
        assertThat(accepts(redis)).isFalse();
    }

    @Test
    void eachClassGetsItsOwnRedis() {
        SEEN.clear();

        EngineTestKit.engine("junit-jupiter")
                .selectors(selectClass(ProcessSample.class), selectClass(PerClassSample.class))
                .execute()
                .testEvents().assertStatistics(stats -> stats.started(4).succeeded(4));

        assertThat(SEEN).hasSize(4);
        assertThat(SEEN.get(3)).isNotSameAs(SEEN.get(0));
    }

    @Test
    void getOutsideATestClassFails() {
        assertThatThrownBy(() -> new RealRedisExtension().get())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("only while a test class runs");
    }

    static class ProcessSample {

        @RegisterExtension
        static final RealRedisExtension redis = RealRedisExtension.process();

        @Test
        void getAnswers() {
            assertThat(send(redis.get(), "PING")).isEqualTo("PONG");
            SEEN.add(redis.get());
        }

        @Test
        void injectsTheSameRedis(RealRedis injected) {
            assertThat(injected).isSameAs(redis.get());
            SEEN.add(injected);
        }

        @Nested
        class Inner {

            @Test
            void sharesTheOuterRedis(RealRedis injected) {
                assertThat(injected).isSameAs(redis.get());
                SEEN.add(injected);
            }
        }
    }

    /** The default source, injected into the constructor before beforeAll has run. */
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    static class PerClassSample {

        @RegisterExtension
        static final RealRedisExtension redis = new RealRedisExtension();

        private final RealRedis injected;

        PerClassSample(RealRedis injected) {
            this.injected = injected;
        }

        @Test
        void constructorGotTheClassRedis() {
            assertThat(injected).isSameAs(redis.get());
            assertThat(send(injected, "PING")).isEqualTo("PONG");
            SEEN.add(injected);
        }
    }
}
