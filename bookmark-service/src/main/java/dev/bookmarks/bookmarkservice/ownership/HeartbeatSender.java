package dev.bookmarks.bookmarkservice.ownership;

import dev.bookmarks.registry.BackgroundTask;
import dev.bookmarks.registry.Heartbeats;
import java.net.URI;
import java.time.Instant;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Announces this shard's id, address and start time every third of the heartbeat TTL, so one lost
 * beat does not make it look dead. Failures (Redis away) are logged once per episode and retried
 * on the next beat; they never stop the shard from serving.
 */
final class HeartbeatSender extends BackgroundTask {

    private static final Logger log = LoggerFactory.getLogger(HeartbeatSender.class);

    private final Heartbeats heartbeats;
    private final String shardId;
    private final URI url;
    private final Instant startedAt = Instant.now();
    private boolean failing;

    HeartbeatSender(Heartbeats heartbeats, String shardId, URI url) {
        super("heartbeat");
        this.heartbeats = heartbeats;
        this.shardId = shardId;
        this.url = url;
    }

    @Override
    protected void schedule(ScheduledExecutorService executor) {
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

}
