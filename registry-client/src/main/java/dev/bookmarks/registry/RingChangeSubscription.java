package dev.bookmarks.registry;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.redis.listener.RedisMessageListenerContainer;

/**
 * Starts the change-channel subscription without making Redis a start-up dependency: a listener
 * container started while Redis is down throws, which would stop the application from starting.
 * Here a failed start is logged and retried every {@value #RETRY_SECONDS} s until it succeeds;
 * meanwhile the watcher's poll carries every change. Once subscribed, the container itself
 * resubscribes after an outage.
 */
public final class RingChangeSubscription extends BackgroundTask {

    private static final Logger log = LoggerFactory.getLogger(RingChangeSubscription.class);
    private static final long RETRY_SECONDS = 2;

    private final RedisMessageListenerContainer container;

    RingChangeSubscription(RedisMessageListenerContainer container) {
        super("ring-subscription");
        this.container = container;
    }

    @Override
    protected void schedule(ScheduledExecutorService executor) {
        executor.execute(this::subscribe);
    }

    private void subscribe() {
        if (!isRunning()) {
            return;
        }
        try {
            container.start();
        } catch (RuntimeException e) {
            log.warn("Cannot subscribe to ring changes yet ({}); polling meanwhile, retrying in {} s",
                    e.getMessage(), RETRY_SECONDS);
            executor().schedule(this::subscribe, RETRY_SECONDS, TimeUnit.SECONDS);
        }
    }

    @Override
    protected void stopped() {
        container.stop();
    }

    /** Whether change announcements are being received now. */
    public boolean isSubscribed() {
        return container.isListening();
    }
}
