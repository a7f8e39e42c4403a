package dev.bookmarks.shardregistry;

import dev.bookmarks.registry.BackgroundTask;
import dev.bookmarks.registry.RingSigner;
import dev.bookmarks.registry.RingStore;
import dev.bookmarks.registry.RingWatcher;
import dev.bookmarks.ring.Ring;
import dev.bookmarks.ring.Shard;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Creates the ring from configuration when Redis holds none, with a compare-and-set from epoch 0
 * so that it can never overwrite a ring (two registries starting at once create it exactly once).
 * When a ring exists, logs how the configuration differs from it and changes nothing, except that a
 * ring signed with another trusted key is written again, unchanged, signed with this registry's key. Redis being
 * down at start-up does not stop the registry: the attempt repeats until it succeeds.
 */
@Component
final class RingBootstrap extends BackgroundTask {

    private static final Logger log = LoggerFactory.getLogger(RingBootstrap.class);
    private static final long RETRY_SECONDS = 2;

    private final RingStore store;
    private final RingWatcher watcher;
    private final BootstrapProperties properties;
    private final RingSigner signer;

    RingBootstrap(RingStore store, RingWatcher watcher, BootstrapProperties properties, RingSigner signer) {
        super("ring-bootstrap");
        this.store = store;
        this.signer = signer;
        this.watcher = watcher;
        this.properties = properties;
    }

    @Override
    protected void schedule(ScheduledExecutorService executor) {
        executor.execute(this::attempt);
    }

    private void attempt() {
        try {
            bootstrap();
            watcher.refresh();
        } catch (RuntimeException e) {
            log.warn("Could not check the ring in Redis ({}); trying again in {} s", e.getMessage(), RETRY_SECONDS);
            if (isRunning()) {
                executor().schedule(this::attempt, RETRY_SECONDS, TimeUnit.SECONDS);
            }
        }
    }

    /** Visible for the tests' "idempotent over restarts" check: returns whether it wrote a ring. */
    boolean bootstrap() {
        Optional<RingStore.TrustedRing> trusted = store.readTrusted();
        if (trusted.isPresent()) {
            Ring existing = trusted.get().ring();
            List<String> differences = differences(existing);
            if (differences.isEmpty()) {
                log.info("Ring epoch {} in Redis matches the bootstrap configuration", existing.epoch());
            } else {
                log.info("Ring epoch {} in Redis is kept; the bootstrap configuration differs: {}",
                        existing.epoch(), String.join("; ", differences));
            }
            if (!trusted.get().keyId().equals(signer.keyId())) {
                resign(existing, trusted.get().keyId());
            }
            return false;
        }
        if (properties.shards().isEmpty()) {
            log.warn("Redis holds no ring and bookmarks.registry.bootstrap.shards is empty: add a shard "
                    + "through POST /actuator/shards/{id} to create one");
            return false;
        }
        Ring ring = Ring.create(properties.slotCount(), properties.toShards());
        if (store.compareAndSet(0, ring, signer) instanceof RingStore.WriteResult.Written) {
            log.info("Created ring epoch 1: {} slots over {}", ring.slotCount(), ring);
            return true;
        }
        log.info("Another registry created the ring first; keeping it");
        return false;
    }

    /**
     * A registry started with a new ring-signing key writes the ring it found again, unchanged at the
     * next epoch, signed with that key: the rotation's last step (dropping the old public key) then
     * needs no ring change first. Only a ring some trusted key signed gets here, so nothing forged is
     * ever signed anew.
     */
    private void resign(Ring ring, String oldKeyId) {
        // withEpoch, not a rebalance: it keeps slot migrations in flight as they are.
        Ring same = ring.withEpoch(ring.epoch() + 1);
        if (store.compareAndSet(ring.epoch(), same, signer) instanceof RingStore.WriteResult.Written) {
            log.info("Ring epoch {} was signed with key {}; wrote it unchanged as epoch {} signed with key {}",
                    ring.epoch(), oldKeyId, same.epoch(), signer.keyId());
        } else {
            log.info("Ring epoch {} changed while it was being signed with key {}; keeping the newer one",
                    ring.epoch(), signer.keyId());
        }
    }

    private List<String> differences(Ring ring) {
        List<String> differences = new ArrayList<>();
        if (ring.slotCount() != properties.slotCount()) {
            differences.add("slot count " + ring.slotCount() + " in Redis, " + properties.slotCount() + " configured");
        }
        Map<String, Shard> configured = properties.toShards().stream()
                .collect(Collectors.toMap(Shard::id, Function.identity()));
        for (Shard shard : ring.shards()) {
            Shard wanted = configured.remove(shard.id());
            if (wanted == null) {
                differences.add(shard.id() + " is in Redis only");
            } else if (!wanted.equals(shard)) {
                differences.add(shard.id() + " is " + shard + " in Redis, " + wanted + " configured");
            }
        }
        configured.keySet().forEach(id -> differences.add(id + " is configured only"));
        return differences;
    }
}
