package dev.bookmarks.shardregistry.migration;

import dev.bookmarks.registry.ImportReports;
import dev.bookmarks.registry.ImportReports.ImportReport;
import dev.bookmarks.registry.Problems;
import dev.bookmarks.registry.RingStore;
import dev.bookmarks.registry.SlotRows;
import dev.bookmarks.ring.MovePlan;
import dev.bookmarks.ring.Ring;
import dev.bookmarks.ring.SlotRanges;
import dev.bookmarks.ring.Shard;
import dev.bookmarks.ring.ShardState;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.http.HttpStatus;

/**
 * {@code /actuator/migrations}: online resharding, for operators. {@code GET} shows the resharding (what was
 * asked, whether it may go on, how far it went, the batch in flight and its target's report, the write pauses,
 * the slots left and the ETA: {@link ReshardingOverview});
 * {@code POST /actuator/migrations/{shardId}} with {@code url} (a new shard), {@code weight} or
 * {@code "drain": true} answers the plan (slots that move, from which shard to which, batches, and the rows to
 * copy by the sources' latest counts, {@link SlotRows}) and, with
 * {@code "start": true}, starts it; {@code POST /actuator/migrations} with {@code "action"} {@code pause},
 * {@code resume} or {@code abort} steers it. Reading needs a VIEWER, the rest an ADMIN.
 */
@Endpoint(id = "migrations")
final class MigrationsEndpoint {

    private final RingStore ring;
    private final ReshardingStore state;
    private final ImportReports reports;
    private final SlotRows rows;
    private final ReshardingProperties defaults;
    private final Clock clock;

    MigrationsEndpoint(RingStore ring, ReshardingStore state, ImportReports reports, SlotRows rows,
            ReshardingProperties defaults, Clock clock) {
        this.ring = ring;
        this.state = state;
        this.reports = reports;
        this.rows = rows;
        this.defaults = defaults;
        this.clock = clock;
    }

    @ReadOperation
    Map<String, Object> view() {
        ReshardingOverview overview = ReshardingOverview.read(ring, state, reports, clock.millis());
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("epoch", overview.ring().map(Ring::epoch).orElse(0L));
        body.put("resharding", overview.resharding().orElse(null));
        body.put("control", overview.resharding().isPresent() ? overview.control().name() : null);
        body.put("progress", overview.progress().orElse(null));
        body.put("pauses", overview.progress().map(p -> pauses(p.pausesMillis())).orElse(null));
        body.put("inFlight", overview.inFlight().map(MigrationsEndpoint::inFlight).orElse(null));
        body.put("remainingSlots", boxed(overview.remainingSlots()));
        body.put("totalSlots", boxed(overview.totalSlots()));
        body.put("etaSeconds", boxed(overview.etaSeconds()));
        return body;
    }

    private static @Nullable Long boxed(OptionalLong value) {
        return value.isPresent() ? value.getAsLong() : null;
    }

    /**
     * The plan of a change to one shard, and with {@code start} the resharding that carries it out.
     *
     * @param url the address of a shard to add (or a new address: that moves no slot)
     * @param weight the shard's new weight
     * @param drain true to move every slot off the shard; it may leave the directory once it owns none
     * @param start false (the default) to see the plan only
     */
    @WriteOperation
    WebEndpointResponse<Map<String, Object>> change(@Selector String shardId, @Nullable String url,
            @Nullable Integer weight, @Nullable Boolean drain, @Nullable Boolean start, @Nullable Integer batchSlots,
            @Nullable Long maxLag, @Nullable Long freezeTimeoutMillis) {
        if (state.running()) {
            throw Problems.of(HttpStatus.CONFLICT, "Resharding running",
                    "a resharding is running: let it finish, or abort it, before starting another");
        }
        Ring now = ring.read().orElseThrow(() -> Problems.of(HttpStatus.SERVICE_UNAVAILABLE, "No ring",
                "Redis holds no ring yet"));
        if (now.isMigrating()) {
            throw Problems.of(HttpStatus.CONFLICT, "Slots are migrating", now.migratingSlots().length
                    + " slots migrate outside any resharding; abort them before starting one");
        }
        List<Shard> shards = directory(now, shardId, url, weight, drain);
        MovePlan plan;
        Resharding resharding;
        try {
            plan = now.plan(shards);
            resharding = new Resharding(UUID.randomUUID().toString(), shards,
                    batchSlots == null ? defaults.batchSlots() : batchSlots,
                    maxLag == null ? defaults.maxLag() : maxLag,
                    freezeTimeoutMillis == null ? defaults.freezeTimeout().toMillis() : freezeTimeoutMillis,
                    clock.millis());
        } catch (IllegalArgumentException e) {
            throw Problems.of(HttpStatus.BAD_REQUEST, "Invalid resharding", e.getMessage());
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("epoch", now.epoch());
        body.put("movedSlots", plan.moveCount());
        Map<String, Optional<SlotRows.Counts>> counts = new LinkedHashMap<>();
        plan.transfers().forEach(t -> counts.computeIfAbsent(t.from(), rows::read));
        List<Map<String, Object>> moves = new ArrayList<>();
        int batches = 0;
        long rowsToCopy = 0;
        for (MovePlan.Transfer transfer : plan.transfers()) {
            Map<String, Object> move = new LinkedHashMap<>();
            move.put("from", transfer.from());
            move.put("to", transfer.to());
            move.put("slots", transfer.slots());
            Long moved = rowsMoved(plan, transfer, counts.get(transfer.from()));
            move.put("rows", moved);
            rowsToCopy += moved == null ? 0 : moved;
            moves.add(move);
            batches += (transfer.slots() + resharding.batchSlots() - 1) / resharding.batchSlots();
        }
        List<String> unknown = counts.entrySet().stream()
                .filter(e -> e.getValue().filter(c -> c.slotCount() == now.slotCount()).isEmpty())
                .map(Map.Entry::getKey).toList();
        body.put("moves", moves);
        body.put("batches", batches);
        body.put("rowsToCopy", unknown.isEmpty() ? rowsToCopy : null);
        body.put("rowsUnknownFrom", unknown);
        body.put("rowsCountedAt", counts.values().stream().flatMap(Optional::stream)
                .map(SlotRows.Counts::measuredAt).min(Comparator.naturalOrder()).map(Object::toString).orElse(null));
        body.put("shards", shards);
        boolean go = Boolean.TRUE.equals(start);
        if (go) {
            state.start(resharding, clock.millis());
            body.put("resharding", resharding.id());
        }
        body.put("started", go);
        return new WebEndpointResponse<>(body, go ? 202 : 200);
    }

    /**
     * The rows {@code transfer} copies by its source's latest count, or null without one for this ring's slots.
     * Walks the plan's moves (at most one per slot) with the transfer's source and target.
     */
    private static @Nullable Long rowsMoved(MovePlan plan, MovePlan.Transfer transfer,
            Optional<SlotRows.Counts> counts) {
        if (counts.isEmpty() || counts.get().slotCount() != plan.slotCount()) {
            return null;
        }
        long rows = 0;
        for (MovePlan.Move move : plan.moves()) {
            if (move.from().equals(transfer.from()) && move.to().equals(transfer.to())) {
                rows += counts.get().of(move.slot());
            }
        }
        return rows;
    }

    /** @param action {@code pause}, {@code resume} or {@code abort} */
    @WriteOperation
    Map<String, Object> control(@Nullable String action) {
        if (!state.running()) {
            throw Problems.of(HttpStatus.CONFLICT, "No resharding running", "no resharding is running");
        }
        Resharding.Control control = switch (action == null ? "" : action) {
            case "pause" -> Resharding.Control.PAUSED;
            case "resume" -> Resharding.Control.RUNNING;
            case "abort" -> Resharding.Control.ABORTING;
            default -> throw Problems.of(HttpStatus.BAD_REQUEST, "Invalid action",
                    "action must be pause, resume or abort: " + action);
        };
        state.control(control);
        return Map.of("control", control.name());
    }

    private static List<Shard> directory(Ring now, String shardId, @Nullable String url, @Nullable Integer weight,
            @Nullable Boolean drain) {
        if (!shardId.matches(Shard.ID_PATTERN)) {
            throw Problems.of(HttpStatus.BAD_REQUEST, "Invalid shard id", "a shard id matches " + Shard.ID_PATTERN
                    + ": " + shardId);
        }
        Optional<Shard> existing = now.shard(shardId);
        if (existing.isEmpty() && url == null) {
            throw Problems.of(HttpStatus.BAD_REQUEST, "Unknown shard", "shard " + shardId
                    + " is not in the directory: a new shard needs a url");
        }
        if (url == null && weight == null && drain == null) {
            throw Problems.of(HttpStatus.BAD_REQUEST, "Nothing to change", "name a url, a weight or drain");
        }
        try {
            Shard base = existing.orElseGet(() -> Shard.active(shardId, url, 1));
            Shard changed = new Shard(shardId, url == null ? base.url() : Shard.parseUrl(url),
                    weight == null ? base.weight() : weight,
                    drain == null ? base.state() : drain ? ShardState.DRAINING : ShardState.ACTIVE);
            List<Shard> shards = new ArrayList<>(now.shards());
            shards.removeIf(s -> s.id().equals(shardId));
            shards.add(changed);
            return shards;
        } catch (IllegalArgumentException e) {
            throw Problems.of(HttpStatus.BAD_REQUEST, "Invalid shard", e.getMessage());
        }
    }

    private static Map<String, Object> inFlight(ReshardingOverview.Batch batch) {
        Map<String, Object> flight = new LinkedHashMap<>();
        flight.put("slots", SlotRanges.format(batch.slots()));
        flight.put("count", batch.slots().length);
        flight.put("source", batch.first().source().id());
        flight.put("target", batch.first().target().id());
        flight.put("phase", batch.first().phase().name());
        flight.put("report", batch.report().map(MigrationsEndpoint::report).orElse(null));
        return flight;
    }

    private static Map<String, Object> report(ImportReport report) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("phase", report.phase().name());
        view.put("epoch", report.epoch());
        view.put("position", report.position());
        view.put("lag", report.lag());
        view.put("rowsCopied", report.rowsCopied());
        view.put("entriesReplayed", report.entriesReplayed());
        view.put("at", report.at().toString());
        view.put("detail", report.detail());
        return view;
    }

    /** Count, p50, p99 and max of the write pauses, nearest rank. */
    static Map<String, Object> pauses(List<Long> millis) {
        if (millis.isEmpty()) {
            return Map.of("count", 0);
        }
        List<Long> sorted = millis.stream().sorted().toList();
        return Map.of("count", sorted.size(), "p50Millis", rank(sorted, 0.50), "p99Millis", rank(sorted, 0.99),
                "maxMillis", sorted.get(sorted.size() - 1));
    }

    private static long rank(List<Long> sorted, double quantile) {
        int index = (int) Math.ceil(quantile * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }
}
