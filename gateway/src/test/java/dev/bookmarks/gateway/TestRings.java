package dev.bookmarks.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.bookmarks.registry.RingSigner;
import dev.bookmarks.registry.RingStore.WriteResult;
import dev.bookmarks.registry.RingStore;
import dev.bookmarks.registry.RingWatcher;
import dev.bookmarks.ring.Ring;
import dev.bookmarks.ring.Shard;
import dev.bookmarks.testing.redis.TestRingKeys;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Rings for the gateway's ITs: write one to Redis, wait until the gateway routes by it, find users of a shard. */
final class TestRings {

    /** Signs rings as the registry would, with the key the gateways under test trust. */
    static final RingSigner SIGNER = RingSigner.parse(TestRingKeys.PRIVATE_KEY);

    private TestRings() {
    }

    /** Writes the next ring with these shards (1024 slots) and waits until the gateway routes by it. */
    static Ring publish(RingStore store, RingWatcher watcher, List<Shard> shards) {
        Ring next = write(store, store.read().orElse(null), shards);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> watcher.current().map(Ring::epoch).orElse(0L) >= next.epoch());
        return next;
    }

    /** Writes the ring after {@code current} (or the first one) with these shards, without waiting. */
    static Ring write(RingStore store, Ring current, List<Shard> shards) {
        Ring next = current == null ? Ring.create(1024, shards) : current.rebalance(shards);
        WriteResult result = store.compareAndSet(current == null ? 0 : current.epoch(), next, SIGNER);
        assertThat(result).isInstanceOf(WriteResult.Written.class);
        return next;
    }

    /** The first {@code count} of user-0, user-1, ... that {@code ring} puts on {@code shardId}. */
    static List<String> usersOf(Ring ring, String shardId, int count) {
        List<String> users = new ArrayList<>();
        for (int i = 0; i < 10_000 && users.size() < count; i++) {
            if (ring.ownerOf("user-" + i).id().equals(shardId)) {
                users.add("user-" + i);
            }
        }
        assertThat(users).as("users of " + shardId).hasSize(count);
        return users;
    }

    /** A loopback port nothing listens on (it was free a moment ago): connects to it are refused. */
    static int closedPort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
