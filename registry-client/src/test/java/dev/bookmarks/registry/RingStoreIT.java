package dev.bookmarks.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bookmarks.registry.RingStore.WriteResult;
import dev.bookmarks.ring.Ring;
import dev.bookmarks.ring.Shard;
import dev.bookmarks.testing.redis.RealRedisExtension;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.data.redis.connection.RedisConnectionFactory;

class RingStoreIT {

    @RegisterExtension
    static final RealRedisExtension redis = new RealRedisExtension();

    private static final RegistryClients clients = new RegistryClients();
    private static RingStore store;
    private static RawRedis raw;

    private static final Ring FIRST = Ring.create(1024, List.of(Shard.active("a", "http://127.0.0.1:9001", 1)));

    @BeforeAll
    static void connect() {
        ConfigurableApplicationContext context = clients.start(redis.get().url(), "bookmarks.registry.pubsub=false");
        store = context.getBean(RingStore.class);
        raw = new RawRedis(context.getBean(RedisConnectionFactory.class));
    }

    @AfterAll
    static void disconnect() {
        clients.close();
    }

    @BeforeEach
    void emptyRedis() {
        redis.get().flushAll();
    }

    @Test
    void readsNothingBeforeTheFirstRingAndCountsThatAsEpochZero() {
        assertThat(store.read()).isEmpty();
        assertThat(store.readEpoch()).isZero();
        assertThat(store.readChangedAt()).isEmpty();
    }

    @Test
    void storesARingOnlyAtTheExpectedEpoch() {
        assertThat(store.compareAndSet(0, FIRST, RegistryClients.SIGNER)).isEqualTo(new WriteResult.Written(1));
        Ring second = FIRST.rebalance(List.of(Shard.active("a", "http://127.0.0.1:9009", 1)));

        assertThat(store.compareAndSet(0, FIRST, RegistryClients.SIGNER)).isEqualTo(new WriteResult.Conflict(1));
        assertThat(store.compareAndSet(1, second, RegistryClients.SIGNER)).isEqualTo(new WriteResult.Written(2));
        assertThat(store.read()).contains(second);
        assertThat(store.readEpoch()).isEqualTo(2);
        assertThat(store.readChangedAt()).isPresent();
    }

    @Test
    void storesEachRingWithItsSignatureInTheSameStep() {
        store.compareAndSet(0, FIRST, RegistryClients.SIGNER);

        assertThat(new String(raw.get("bookmarks:ring:signature"), StandardCharsets.US_ASCII))
                .startsWith("ed25519 " + RegistryClients.SIGNER.keyId() + " ");
        assertThat(raw.get("bookmarks:ring")).isEqualTo(FIRST.toBytes());
    }

    @Test
    void readRefusesARingWrittenWithoutASignatureSoNoChangeIsBuiltOnIt() {
        raw.set("bookmarks:ring", FIRST.toBytes());
        raw.set("bookmarks:ring:epoch", "1");

        assertThatThrownBy(store::read).isInstanceOf(UntrustedRingException.class)
                .hasMessageContaining("carries no signature");
    }

    @Test
    void refusesARingWhoseEpochDoesNotFollowTheExpectedOne() {
        assertThatThrownBy(() -> store.compareAndSet(5, FIRST, RegistryClients.SIGNER))
                .hasMessage("the next ring's epoch must be 6 after 5: 1");
        assertThat(store.read()).isEmpty();
    }

    @Test
    void letsExactlyOneOfManyWritersWithTheSameExpectedEpochWin() throws Exception {
        store.compareAndSet(0, FIRST, RegistryClients.SIGNER);
        int writers = 16;
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<WriteResult>> results = new ArrayList<>();
        for (int i = 0; i < writers; i++) {
            Ring candidate = FIRST.rebalance(List.of(Shard.active("a", "http://127.0.0.1:" + (10000 + i), 1)));
            results.add(pool.submit(() -> {
                go.await();
                return store.compareAndSet(1, candidate, RegistryClients.SIGNER);
            }));
        }
        go.countDown();
        int written = 0;
        String winner = null;
        for (int i = 0; i < writers; i++) {
            WriteResult result = results.get(i).get(60, TimeUnit.SECONDS);
            if (result instanceof WriteResult.Written) {
                written++;
                winner = "http://127.0.0.1:" + (10000 + i);
            } else {
                assertThat(result).isEqualTo(new WriteResult.Conflict(2));
            }
        }
        pool.shutdown();

        assertThat(written).isEqualTo(1);
        assertThat(store.read().orElseThrow().shard("a").orElseThrow().url()).hasToString(winner);
    }
}
