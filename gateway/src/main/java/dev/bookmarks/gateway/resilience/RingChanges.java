package dev.bookmarks.gateway.resilience;

import dev.bookmarks.registry.RingWatcher;
import dev.bookmarks.ring.Ring;
import java.util.concurrent.atomic.AtomicReference;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * The next ring change, as something to wait for: {@link #next()} completes when the ring watcher takes a new
 * ring after the call. A frozen slot thaws only with a new ring (its cutover, or its abort), so a write held
 * for one is sent again the moment the gateway can route it, as Vitess's vtgate releases the requests it
 * buffered during a reparent when the new primary is known.
 */
public final class RingChanges {

    private final AtomicReference<Sinks.Empty<Void>> next = new AtomicReference<>(Sinks.empty());

    /** The changes {@code watcher} sees. */
    public static RingChanges of(RingWatcher watcher) {
        RingChanges changes = new RingChanges();
        watcher.addListener(changes::changed);
        return changes;
    }

    RingChanges() {
    }

    /** Completes, empty, once the ring changes after this call; never fails. */
    public Mono<Void> next() {
        return next.get().asMono();
    }

    void changed(Ring ring) {
        next.getAndSet(Sinks.empty()).tryEmitEmpty();
    }
}
