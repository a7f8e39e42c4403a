package dev.bookmarks.shard.ownership;

import dev.bookmarks.registry.BackgroundThreads;
import dev.bookmarks.registry.Heartbeats;
import java.net.URI;
import java.time.Instant;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Announces this shard's id, address and start time every third of the heartbeat TTL, so one lost
 * beat does not make it look dead. Failures (Redis away) are logged once per episode and retried
 * on the next beat; they never stop the shard from serving.
 */
final class HeartbeatSender implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(HeartbeatSender.class);

    private final Heartbeats heartbeats;
    private final String shardId;
    private final URI url;
    private final Instant startedAt = Instant.now();
    private volatile ScheduledExecutorService executor;
    private volatile boolean running;
    private boolean failing;

    HeartbeatSender(Heartbeats heartbeats, String shardId, URI url) {
        this.heartbeats = heartbeats;
        this.shardId = shardId;
        this.url = url;
    }

    @Override
    public synchronized void start() {
        executor = BackgroundThreads.single("heartbeat");
        running = true;
        long period = Math.max(100, heartbeats.ttl().toMillis() / 3);
        executor.scheduleAtFixedRate(this::beat, 0, period, TimeUnit.MILLISECONDS);
    }

    private void beat() {
        try {
            heartbeats.beat(shardId, url, startedAt);
            if (failing) {
                log.info("Heartbeats for {} reach Redis again", shardId);
                failing = false;
            }
        } catch (RuntimeException e) {
            if (!failing) {
                log.warn("Cannot send the heartbeat of {}: {}", shardId, e.getMessage());
                failing = true;
            }
        }
    }

    @Override
    public synchronized void stop() {
        running = false;
        executor.shutdownNow();
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
