package dev.bookmarks.shardregistry;

import dev.bookmarks.registry.Problems;
import dev.bookmarks.registry.RingSigner;
import dev.bookmarks.registry.RingStore;
import dev.bookmarks.registry.RingStore.WriteResult;
import dev.bookmarks.registry.RingWatcher;
import dev.bookmarks.registry.UntrustedRingException;
import dev.bookmarks.ring.MovePlan;
import dev.bookmarks.ring.Ring;
import dev.bookmarks.ring.RingFormatException;
import dev.bookmarks.ring.Shard;
import dev.bookmarks.ring.ShardState;
import dev.bookmarks.shardregistry.migration.ReshardingStore;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.stereotype.Service;
import org.springframework.web.ErrorResponseException;

/**
 * Changes the ring: every change reads the ring, computes the next one and writes it by
 * compare-and-set on the epoch it read, so of two concurrent changes exactly one lands and the
 * other is refused with 409 (or, when the caller gave no {@code expectedEpoch}, recomputed on the
 * newer ring). A change that moves slots belongs to online resharding ({@code /actuator/migrations});
 * here it is refused with a 409 that says how many slots it moves, from which shard to which: moved slots would leave their users'
 * bookmarks on the old owner, where those users no longer look. It is applied only when the request
 * agrees to discard that data and names the exact number of slots the change moves on the ring it
 * is applied to, so that an agreement read from one plan never applies a different one. A change is
 * built only on a ring signed by a trusted key, and signed in turn: the registry never launders a
 * forged ring.
 */
@Service
final class RingAdministration {

    private static final Logger log = LoggerFactory.getLogger(RingAdministration.class);
    private static final Pattern SHARD_ID = Pattern.compile(Shard.ID_PATTERN);
    /** Blind writers (no expected epoch) recompute on a newer ring this many times before giving up. */
    private static final int ATTEMPTS = 5;

    private final RingStore store;
    private final RingWatcher watcher;
    private final RingSigner signer;

    private final ReshardingStore reshardings;

    RingAdministration(RingStore store, RingWatcher watcher, RingSigner signer, ReshardingStore reshardings) {
        this.store = store;
        this.watcher = watcher;
        this.signer = signer;
        this.reshardings = reshardings;
    }

    /** The result of an accepted change. */
    record Change(long epoch, int movedSlots, boolean created, @Nullable Shard shard) {
    }

    /**
     * What a request says about discarding the bookmarks of the slots its change moves: both absent
     * for a change meant to move none, both present ({@code discardMovedData} true, and the number of
     * slots the change moves) to apply a change that moves some.
     */
    record DiscardConsent(@Nullable Boolean discardMovedData, @Nullable Long confirmMovedSlots) {
    }

    Change upsert(String shardId, @Nullable String url, @Nullable Integer weight, @Nullable Long expectedEpoch,
            DiscardConsent consent) {
        requireShardId(shardId);
        URI parsedUrl = url == null ? null : parse(() -> Shard.parseUrl(url));
        if (weight != null && (weight < Shard.MIN_WEIGHT || weight > Shard.MAX_WEIGHT)) {
            throw badRequest("weight must be in [" + Shard.MIN_WEIGHT + ", " + Shard.MAX_WEIGHT + "]: " + weight);
        }
        return change(expectedEpoch, consent, false, current -> {
            Optional<Shard> existing = current.shard(shardId);
            if (existing.isEmpty() && parsedUrl == null) {
                throw badRequest("a new shard needs a url");
            }
            Shard updated = new Shard(shardId, parsedUrl != null ? parsedUrl : existing.get().url(),
                    weight != null ? weight : existing.map(Shard::weight).orElse(1),
                    existing.map(Shard::state).orElse(ShardState.ACTIVE));
            List<Shard> shards = new ArrayList<>(current.shards());
            shards.removeIf(s -> s.id().equals(shardId));
            shards.add(updated);
            return shards;
        }, shardId);
    }

    Change remove(String shardId, @Nullable Long expectedEpoch, DiscardConsent consent) {
        requireShardId(shardId);
        return change(expectedEpoch, consent, true, current -> {
            if (current.shard(shardId).isEmpty()) {
                throw Problems.of(HttpStatus.NOT_FOUND, "Unknown shard",
                        "shard " + shardId + " is not in the ring at epoch " + current.epoch());
            }
            List<Shard> shards = new ArrayList<>(current.shards());
            shards.removeIf(s -> s.id().equals(shardId));
            if (shards.stream().noneMatch(s -> s.state() == ShardState.ACTIVE)) {
                throw Problems.of(HttpStatus.CONFLICT, "Last active shard",
                        "shard " + shardId + " is the last active shard; a ring needs at least one");
            }
            return shards;
        }, shardId);
    }

    /**
     * Writes the last ring this registry trusted again, unchanged, at the epoch after the one Redis
     * holds, when Redis holds a ring no trusted key signed (or unreadable bytes): a forged ring with a
     * higher epoch is replaced, and every watcher, which kept that trusted ring, takes the restored one.
     * Compare-and-set on the epoch read, so a concurrent change wins and this one is a 409.
     *
     * @return the restored ring's epoch
     */
    long restore() {
        Ring held = watcher.current().orElseThrow(() -> Problems.of(HttpStatus.SERVICE_UNAVAILABLE,
                "No trusted ring", "this registry has not loaded a ring it trusts, so it has none to restore"));
        long stored;
        try {
            try {
                Optional<RingStore.TrustedRing> trusted = store.readTrusted();
                if (trusted.isPresent()) {
                    throw Problems.of(HttpStatus.CONFLICT, "Ring trusted", "Redis holds ring epoch "
                            + trusted.get().ring().epoch() + " signed by trusted key " + trusted.get().keyId()
                            + ": there is nothing to restore");
                }
            } catch (UntrustedRingException | RingFormatException e) {
                log.warn("Restoring ring epoch {} over the ring in Redis: {}", held.epoch(), e.getMessage());
            }
            stored = store.readEpoch();
        } catch (DataAccessException e) {
            throw Problems.of(HttpStatus.SERVICE_UNAVAILABLE, "Redis unavailable",
                    "the ring cannot be restored while Redis is unreachable: " + e.getMessage());
        } catch (NumberFormatException e) {
            throw Problems.of(HttpStatus.CONFLICT, "Epoch unreadable",
                    "the ring's epoch key in Redis does not hold a number; set it to the highest epoch seen, then retry");
        }
        if (stored < held.epoch()) {
            throw Problems.of(HttpStatus.CONFLICT, "Epoch behind", "Redis's epoch " + stored
                    + " is below the epoch " + held.epoch() + " this registry holds; a ring restored after it would"
                    + " be older than what the watchers hold. Set the epoch key to " + held.epoch() + ", then retry");
        }
        Ring restored = held.withEpoch(Math.addExact(stored, 1));
        WriteResult result = write(stored, restored);
        if (result instanceof WriteResult.Written written) {
            log.info("Restored ring epoch {} as epoch {}, signed with key {}", held.epoch(), written.epoch(),
                    signer.keyId());
            awaitWatcher();
            return written.epoch();
        }
        throw conflict(stored, ((WriteResult.Conflict) result).currentEpoch());
    }

    /** @param inQuery whether the request gives its parameters in the query (DELETE), for the 409s' advice */
    private Change change(@Nullable Long expectedEpoch, DiscardConsent consent, boolean inQuery,
            Function<Ring, List<Shard>> edit, String shardId) {
        for (int attempt = 1; ; attempt++) {
            Ring current = read();
            // Checked on every attempt, against the ring the change is computed on: a blind writer's
            // retry on a newer ring must not carry a count confirmed for an older one.
            Integer confirmed = confirmedMovedSlots(consent, current.slotCount());
            if (expectedEpoch != null && current.epoch() != expectedEpoch) {
                throw conflict(expectedEpoch, current.epoch());
            }
            List<Shard> shards = edit.apply(current);
            if (reshardings.running()) {
                // The driver plans towards the directory it was given: a change made meanwhile would be undone.
                throw Problems.of(HttpStatus.CONFLICT, "Resharding running",
                        "a resharding is changing the shards (GET /actuator/migrations): let it finish, or abort it"
                                + " (POST /actuator/migrations {\"action\": \"abort\"}), before changing them here");
            }
            if (current.isMigrating()) {
                // A rebalance would hand migrating slots over without their data (Ring.rebalance refuses it).
                throw Problems.of(HttpStatus.CONFLICT, "Slots are migrating",
                        current.migratingSlots().length + " slots of ring epoch " + current.epoch()
                                + " are migrating: cut them over or abort them before changing the shards");
            }
            Ring next = current.rebalance(shards);
            MovePlan plan = current.plan(shards);
            int moved = plan.moveCount();
            if (confirmed != null && confirmed != moved) {
                throw notConfirmed(current, plan, confirmed, inQuery);
            }
            if (next.shards().equals(current.shards())) {
                return new Change(current.epoch(), 0, false, next.shard(shardId).orElse(null));
            }
            if (moved > 0 && confirmed == null) {
                throw movesSlots(current, plan, inQuery);
            }
            WriteResult result = write(current, next);
            if (result instanceof WriteResult.Written written) {
                String verb = next.shard(shardId).isPresent() ? "set" : "removed";
                if (moved > 0) {
                    log.warn("Ring epoch {} -> {}: {} {}, {} of {} slots moved WITHOUT their bookmarks, which stay on"
                            + " their old owners, lost to their users (discardMovedData, confirmMovedSlots {}): {}",
                            current.epoch(), written.epoch(), verb, shardId, moved, current.slotCount(), confirmed,
                            plan);
                } else {
                    log.info("Ring epoch {} -> {}: {} {}, no slot moved", current.epoch(), written.epoch(), verb,
                            shardId);
                }
                awaitWatcher();
                return new Change(written.epoch(), moved, current.shard(shardId).isEmpty(),
                        next.shard(shardId).orElse(null));
            }
            long now = ((WriteResult.Conflict) result).currentEpoch();
            if (expectedEpoch != null || attempt == ATTEMPTS) {
                throw conflict(current.epoch(), now);
            }
        }
    }

    /**
     * The number of moved slots whose bookmarks the request agrees to discard, or null when it agrees
     * to none. Both parts are required: the flag says what is lost, the count that it is this change's.
     */
    private static @Nullable Integer confirmedMovedSlots(DiscardConsent consent, int slotCount) {
        boolean discard = Boolean.TRUE.equals(consent.discardMovedData());
        Long confirm = consent.confirmMovedSlots();
        if (confirm == null) {
            if (discard) {
                throw badRequest("\"discardMovedData\": true needs \"confirmMovedSlots\" too: the number of slots the"
                        + " change moves, in [1, " + slotCount + "], as movedSlots in the 409 that refused it says");
            }
            return null;
        }
        if (!discard) {
            throw badRequest("\"confirmMovedSlots\" needs \"discardMovedData\": true: a change that moves slots"
                    + " leaves their bookmarks behind, and is applied only when the request says it discards them");
        }
        if (confirm < 1 || confirm > slotCount) {
            throw badRequest("confirmMovedSlots must be in [1, " + slotCount + "], the number of slots the change"
                    + " moves: " + confirm);
        }
        return confirm.intValue();
    }

    private static ErrorResponseException movesSlots(Ring current, MovePlan plan, boolean inQuery) {
        int moved = plan.moveCount();
        return withPlan(Problems.of(HttpStatus.CONFLICT, "Change moves slots", "this change would move " + moved
                + " of " + current.slotCount() + " slots to other shards, computed on ring epoch " + current.epoch()
                + " (movedSlots, and per pair of shards, moves). Their bookmarks would stay on their old owners,"
                + " where their users no longer look: lost to those users. Online resharding moves slots with"
                + " their bookmarks, the lossless way: POST /actuator/migrations/{shardId} with the same url, weight"
                + " or \"drain\": true answers its plan, and with \"start\": true runs it. To apply the change"
                + " here anyway and discard those bookmarks, repeat it with " + consent(moved, current, inQuery)
                + "."),
                current, plan);
    }

    /** The agreement to send for this plan, as the request gives its parameters; the epoch pins it to this ring. */
    private static String consent(int moved, Ring current, boolean inQuery) {
        return inQuery
                ? "the query parameters discardMovedData=true&confirmMovedSlots=" + moved + "&expectedEpoch="
                        + current.epoch()
                : "\"discardMovedData\": true, \"confirmMovedSlots\": " + moved + " and \"expectedEpoch\": "
                        + current.epoch();
    }

    private static ErrorResponseException notConfirmed(Ring current, MovePlan plan, int confirmed, boolean inQuery) {
        int moved = plan.moveCount();
        String detail = moved == 0
                ? "confirmMovedSlots is " + confirmed + ", but on ring epoch " + current.epoch() + " this change"
                        + " moves no slot (it may have been applied already): nothing was changed. Read the ring;"
                        + " a change that moves no slot needs neither discardMovedData nor confirmMovedSlots."
                : "confirmMovedSlots is " + confirmed + ", but on ring epoch " + current.epoch() + " this change"
                        + " moves " + moved + " of " + current.slotCount() + " slots: the ring changed since the"
                        + " count was read, or it was mistyped. Nothing was changed. Check movedSlots and moves"
                        + " here; to discard the bookmarks of these " + moved + " slots, repeat the change with "
                        + consent(moved, current, inQuery) + ".";
        return withPlan(Problems.of(HttpStatus.CONFLICT, "Moved slots not as confirmed", detail), current, plan);
    }

    /** The plan, for a script to read rather than parse the detail: the count, each pair's share, the epoch. */
    private static ErrorResponseException withPlan(ErrorResponseException problem, Ring current, MovePlan plan) {
        List<Map<String, Object>> moves = new ArrayList<>(plan.transfers().size());
        for (MovePlan.Transfer transfer : plan.transfers()) {
            Map<String, Object> move = new LinkedHashMap<>();
            move.put("from", transfer.from());
            move.put("to", transfer.to());
            move.put("slots", transfer.slots());
            moves.add(move);
        }
        ProblemDetail body = problem.getBody();
        body.setProperty("movedSlots", plan.moveCount());
        body.setProperty("moves", moves);
        body.setProperty("epoch", current.epoch());
        return problem;
    }

    private Ring read() {
        try {
            return store.read().orElseThrow(() -> Problems.of(HttpStatus.SERVICE_UNAVAILABLE, "No ring",
                    "Redis holds no ring yet: configure bookmarks.registry.bootstrap.shards"));
        } catch (UntrustedRingException e) {
            throw Problems.of(HttpStatus.SERVICE_UNAVAILABLE, "Ring not trusted",
                    "the ring in Redis was not written by a registry with a trusted ring-signing key, so no change"
                            + " is built on it: " + e.getMessage());
        } catch (RingFormatException e) {
            throw Problems.of(HttpStatus.SERVICE_UNAVAILABLE, "Ring unreadable",
                    "the ring in Redis cannot be read, so no change is safe: " + e.getMessage());
        } catch (DataAccessException e) {
            throw Problems.of(HttpStatus.SERVICE_UNAVAILABLE, "Redis unavailable",
                    "the ring cannot be changed while Redis is unreachable: " + e.getMessage());
        }
    }

    private WriteResult write(Ring current, Ring next) {
        return write(current.epoch(), next);
    }

    private WriteResult write(long expectedEpoch, Ring next) {
        try {
            return store.compareAndSet(expectedEpoch, next, signer);
        } catch (DataAccessException e) {
            throw Problems.of(HttpStatus.SERVICE_UNAVAILABLE, "Redis unavailable",
                    "the ring cannot be changed while Redis is unreachable: " + e.getMessage());
        }
    }

    /** So that this registry's own GET /actuator/ring shows the change as soon as it is answered. */
    private void awaitWatcher() {
        try {
            watcher.refresh().get(2, TimeUnit.SECONDS);
        } catch (Exception e) {
            log.debug("The watcher did not confirm the change in time; its next poll will", e);
        }
    }

    private static ErrorResponseException conflict(long expected, long actual) {
        return Problems.of(HttpStatus.CONFLICT, "Epoch changed",
                "the ring is at epoch " + actual + ", not " + expected + ": read it again and retry");
    }

    private static void requireShardId(String shardId) {
        if (!SHARD_ID.matcher(shardId).matches()) {
            throw badRequest("shard id must match " + Shard.ID_PATTERN);
        }
    }

    private static <T> T parse(java.util.function.Supplier<T> parser) {
        try {
            return parser.get();
        } catch (IllegalArgumentException e) {
            throw badRequest(e.getMessage());
        }
    }

    private static ErrorResponseException badRequest(String detail) {
        return Problems.of(HttpStatus.BAD_REQUEST, "Invalid shard change", detail);
    }
}
