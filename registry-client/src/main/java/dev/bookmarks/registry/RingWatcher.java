package dev.bookmarks.registry;

import dev.bookmarks.ring.Ring;
import dev.bookmarks.ring.RingFormatException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps an immutable snapshot of the ring in memory and follows Redis: a poll every
 * {@code pollInterval} and, when the change channel announces a new epoch, at once
 * ({@link #refresh()}). Readers call {@link #current()}: a volatile read, no lock, no Redis call.
 *
 * <p>Contract: only a ring signed by a trusted key ({@link TrustedRingKeys}) and with a higher epoch
 * replaces the snapshot, and once a ring is held it is never dropped. When Redis is unreachable
 * (or refuses this process's credentials), holds no ring, holds a ring whose signature is missing
 * or not by a trusted key (counted in {@link #signatureFailures()}), or holds bytes that are not a
 * valid ring, the watcher keeps its ring, records the error in {@link #status()}, logs once when
 * such an episode starts and once when it ends, and keeps polling, so it recovers without a
 * restart.
 */
public final class RingWatcher extends BackgroundTask {

    private static final Logger log = LoggerFactory.getLogger(RingWatcher.class);

    private final RingStore store;
    private final Duration pollInterval;
    private final Clock clock;
    private final List<Consumer<Ring>> listeners = new CopyOnWriteArrayList<>();
    private final AtomicReference<CompletableFuture<Optional<Ring>>> pending = new AtomicReference<>();
    private volatile RingStatus status = RingStatus.EMPTY;
    private final AtomicLong signatureFailures = new AtomicLong();
    /** Last ring and signature accepted; touched only on the executor thread. */
    private byte[] lastBytes;
    private byte[] lastSignature;

    public RingWatcher(RingStore store, Duration pollInterval, Clock clock) {
        super("ring-watcher");
        this.store = store;
        this.pollInterval = pollInterval;
        this.clock = clock;
    }

    /** The newest ring seen, if any; never goes back to empty once a ring was loaded. */
    public Optional<Ring> current() {
        return status.ring();
    }

    /** The snapshot with how fresh it is and what, if anything, is wrong. */
    public RingStatus status() {
        return status;
    }

    /** How many reads found a ring whose signature was missing or not by a trusted key, since start. */
    public long signatureFailures() {
        return signatureFailures.get();
    }

    /** Called on the watcher's thread with every new ring, after it became {@link #current()}. */
    public void addListener(Consumer<Ring> listener) {
        listeners.add(listener);
    }

    /**
     * Reads Redis now (on the watcher's thread, after any read in progress) and completes with the
     * ring held afterwards. Used on a change announcement and by a gateway that got a 421. Requests
     * that arrive while a read is queued but not yet started share that read: a burst of
     * announcements costs one read, and every caller still gets a read that began after its call.
     */
    public CompletableFuture<Optional<Ring>> refresh() {
        if (!isRunning()) {
            return CompletableFuture.completedFuture(current());
        }
        CompletableFuture<Optional<Ring>> next = new CompletableFuture<>();
        CompletableFuture<Optional<Ring>> queued = pending.compareAndExchange(null, next);
        if (queued != null) {
            return queued;
        }
        try {
            executor().execute(() -> {
                pending.compareAndSet(next, null);
                poll();
                next.complete(current());
            });
        } catch (RejectedExecutionException e) {
            pending.compareAndSet(next, null);
            next.complete(current());
        }
        return next;
    }

    @Override
    protected void schedule(ScheduledExecutorService executor) {
        executor.scheduleWithFixedDelay(this::poll, 0, pollInterval.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void poll() {
        try {
            RingStore.Stored stored = store.readStored();
            byte[] bytes = stored.ring();
            if (bytes == null) {
                if (status.ring().isPresent()) {
                    fail("Redis holds no ring at " + store.keys().ring());
                } else {
                    status = status.confirmed(clock.instant());
                }
                return;
            }
            if (Arrays.equals(bytes, lastBytes) && Arrays.equals(stored.signature(), lastSignature)) {
                recovered();
                return;
            }
            // Verified before it is parsed: bytes nobody trusted never reach the decoder.
            String keyId = store.verify(stored);
            if (adopt(Ring.fromBytes(bytes), stored, keyId)) {
                recovered();
            }
        } catch (UntrustedRingException e) {
            signatureFailures.incrementAndGet();
            fail("the ring in Redis is refused: " + e.getMessage());
        } catch (RingFormatException e) {
            fail("the ring in Redis is unreadable: " + e.getMessage());
        } catch (RuntimeException e) {
            fail(RedisFailures.describe(e));
        }
    }

    /** Takes {@code ring} if it is newer; returns false, having recorded why, if it is not acceptable. */
    private boolean adopt(Ring ring, RingStore.Stored stored, String keyId) {
        Ring held = status.ring().orElse(null);
        if (held != null && ring.epoch() < held.epoch()) {
            fail("Redis holds epoch " + ring.epoch() + ", older than the epoch " + held.epoch() + " held here");
            return false;
        }
        if (held != null && ring.epoch() == held.epoch() && !ring.equals(held)) {
            fail("Redis holds a different ring at the same epoch " + ring.epoch());
            return false;
        }
        lastBytes = stored.ring();
        lastSignature = stored.signature();
        if (held == null || ring.epoch() > held.epoch()) {
            Instant changedAt = readChangedAtQuietly();
            status = new RingStatus(Optional.of(ring), Optional.of(keyId), Optional.ofNullable(changedAt),
                    Optional.of(clock.instant()), status.error(), status.errorSince());
            for (Consumer<Ring> listener : listeners) {
                try {
                    listener.accept(ring);
                } catch (RuntimeException e) {
                    log.error("A ring listener failed on epoch {}", ring.epoch(), e);
                }
            }
        }
        return true;
    }

    private Instant readChangedAtQuietly() {
        try {
            return store.readChangedAt().orElse(null);
        } catch (RuntimeException e) {
            return null;
        }
    }

    private void recovered() {
        RingStatus now = status;
        if (now.error().isPresent()) {
            log.info("Ring source recovered after {}; holding epoch {}",
                    Duration.between(now.errorSince().orElseThrow(), clock.instant()),
                    now.ring().map(Ring::epoch).orElse(0L));
        }
        status = now.confirmed(clock.instant());
    }

    private void fail(String error) {
        RingStatus now = status;
        if (now.error().isEmpty()) {
            log.warn("Keeping ring epoch {}: {}", now.ring().map(Ring::epoch).orElse(0L), error);
        } else {
            log.debug("Still keeping ring epoch {}: {}", now.ring().map(Ring::epoch).orElse(0L), error);
        }
        status = now.failed(error, clock.instant());
    }
}
