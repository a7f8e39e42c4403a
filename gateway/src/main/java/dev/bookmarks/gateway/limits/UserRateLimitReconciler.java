package dev.bookmarks.gateway.limits;

import dev.bookmarks.registry.BackgroundTask;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;

/**
 * Reconciles this gateway's {@link UserBuckets} with the global per-user buckets in Redis, every
 * {@code syncInterval}, in one round trip: one Lua script ({@link #SCRIPT}) that takes, for the users who took
 * tokens here since the last reconcile (only those), how many they took, and answers each one's global remaining
 * tokens and the number of live gateways {@code G}. Like Envoy's local rate limit with the global quota shared
 * through a periodic sync: requests are decided in memory, Redis is told in batches. Redis traffic is one round
 * trip per gateway per interval, with one key per user active in that interval, whatever the request rate.
 *
 * <p>The script, atomically: refreshes this gateway's member (a random id per start) in the live-gateway set with
 * Redis's {@code TIME} and drops members older than {@code memberTtl}; then for each user refills the global
 * bucket by Redis's clock (so the gateways' clocks do not matter) at {@code replenishRate} up to
 * {@code burstCapacity}, subtracts the reported tokens down to a floor of minus the burst (a debt that later
 * refills pay back), writes it back with a TTL of the time a bucket takes to refill from the floor, and answers
 * the remaining tokens. The script is sent by SHA-1, computed once here; Spring Data Redis falls back to
 * {@code EVAL} when Redis answers {@code NOSCRIPT} (after a restart).
 *
 * <p>When the round trip fails or takes longer than {@code redisTimeout}, the gateway splits the limit one way:
 * each gateway enforces the whole limit alone (a user gets at most {@code G} times the limit across {@code G}
 * gateways: wide, never open), and a WARN says so at most once per {@value #DEGRADED_LOG_INTERVAL_SECONDS} s.
 * The tokens a failed reconcile would have reported are dropped, not reported later (Redis's buckets refill
 * meanwhile too, and a gateway that limited alone should not leave its users a debt); the next reconcile that
 * Redis answers reports the interval before it like any other and brings the global view back. Each reconcile also drops the buckets that
 * are full and have nothing to report ({@link UserBuckets#evictFull}).
 */
final class UserRateLimitReconciler extends BackgroundTask {

    static final int DEGRADED_LOG_INTERVAL_SECONDS = 10;

    /**
     * KEYS[1] the live-gateway set, KEYS[2..] the users' buckets; ARGV[1] this gateway's id, ARGV[2] the member
     * TTL in ms, ARGV[3] the rate, ARGV[4] the burst, ARGV[5] the bucket TTL in ms, ARGV[6..] the tokens taken per
     * user. Answers {G, remaining of KEYS[2] in millionths of a token, ...}.
     */
    static final String SCRIPT_SOURCE = """
            local time = redis.call('TIME')
            local now = tonumber(time[1]) * 1000000 + tonumber(time[2])
            local nowMillis = math.floor(now / 1000)
            local memberTtl = tonumber(ARGV[2])
            redis.call('ZADD', KEYS[1], nowMillis, ARGV[1])
            redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', nowMillis - memberTtl)
            redis.call('PEXPIRE', KEYS[1], memberTtl)
            local rate = tonumber(ARGV[3])
            local burst = tonumber(ARGV[4])
            local result = {redis.call('ZCARD', KEYS[1])}
            for i = 2, #KEYS do
              local state = redis.call('HMGET', KEYS[i], 'tokens', 'at')
              local tokens = tonumber(state[1])
              local at = tonumber(state[2])
              if tokens == nil or at == nil then
                tokens = burst
                at = now
              end
              tokens = math.min(burst, tokens + math.max(0, now - at) * rate / 1000000)
              tokens = math.max(-burst, tokens - tonumber(ARGV[i + 4]))
              redis.call('HSET', KEYS[i], 'tokens', tokens, 'at', now)
              redis.call('PEXPIRE', KEYS[i], ARGV[5])
              result[i] = math.floor(tokens * 1000000)
            end
            return result
            """;

    /** The reconcile script, its SHA-1 computed once (not per call, as {@code DefaultRedisScript} would). */
    @SuppressWarnings("rawtypes")
    static final RedisScript<List> SCRIPT = new PrecomputedScript(SCRIPT_SOURCE);

    private static final Logger log = LoggerFactory.getLogger(UserRateLimitReconciler.class);

    private final UserBuckets buckets;
    private final ReactiveStringRedisTemplate redis;
    private final String gatewaysKey;
    private final String userKeyPrefix;
    private final String gatewayId = UUID.randomUUID().toString();
    private final List<String> fixedArgs;
    private final Duration interval;
    private final Duration timeout;
    private final LongSupplier nanoTime;
    private volatile boolean degraded;
    private long lastDegradedLog;
    private boolean loggedOnce;

    /**
     * @param buckets this gateway's buckets
     * @param redis the registry's Redis
     * @param keyPrefix the registry's key prefix {@code P}: keys are {@code P:rate:...} (docs/redis-layout.md)
     * @param rate the limit's settings
     * @param nanoTime the clock of the degraded-log interval
     */
    UserRateLimitReconciler(UserBuckets buckets, ReactiveStringRedisTemplate redis, String keyPrefix,
            LimitsProperties.RateLimit rate, LongSupplier nanoTime) {
        super("user-rate-limit-reconcile");
        this.buckets = buckets;
        this.redis = redis;
        this.gatewaysKey = keyPrefix + ":rate:gateways";
        this.userKeyPrefix = keyPrefix + ":rate:user:";
        this.interval = rate.syncInterval();
        this.timeout = rate.redisTimeout();
        this.nanoTime = nanoTime;
        // A gateway that missed three reconciles in a row no longer counts as live.
        long memberTtlMillis = 3 * interval.toMillis() + timeout.toMillis();
        // From the floor (minus the burst) to full takes 2 * burst / rate seconds; a second more for the clocks.
        long bucketTtlMillis = (2 * rate.burstCapacity() * 1000 + rate.replenishRate() - 1) / rate.replenishRate() + 1000;
        this.fixedArgs = List.of(gatewayId, Long.toString(memberTtlMillis), Integer.toString(rate.replenishRate()),
                Long.toString(rate.burstCapacity()), Long.toString(bucketTtlMillis));
    }

    /** The Redis key of {@code user}'s global bucket. */
    String userKey(String user) {
        return userKeyPrefix + user;
    }

    /** This gateway's member in the live-gateway set. */
    String gatewayId() {
        return gatewayId;
    }

    /** Whether the last reconcile failed, so that this gateway limits alone. */
    boolean degraded() {
        return degraded;
    }

    /**
     * One reconcile, as the class comment describes; every interval, and by tests.
     *
     * @return whether Redis answered
     */
    synchronized boolean reconcile() {
        List<UserBuckets.Report> reports = buckets.drain();
        List<String> keys = new ArrayList<>(reports.size() + 1);
        List<String> args = new ArrayList<>(fixedArgs.size() + reports.size());
        keys.add(gatewaysKey);
        args.addAll(fixedArgs);
        for (UserBuckets.Report report : reports) {
            keys.add(userKey(report.user()));
            args.add(Long.toString(report.spent()));
        }
        List<Long> answer;
        try {
            answer = flatten(redis.execute(SCRIPT, keys, args).collectList().block(timeout));
            if (answer.size() != reports.size() + 1) {
                throw new IllegalStateException("the reconcile script answered " + answer.size() + " numbers for "
                        + reports.size() + " users");
            }
        } catch (RuntimeException e) {
            limitAlone(e);
            buckets.evictFull();
            return false;
        }
        buckets.gateways(answer.get(0).intValue());
        for (int i = 0; i < reports.size(); i++) {
            buckets.apply(reports.get(i), answer.get(i + 1));
        }
        if (degraded) {
            degraded = false;
            log.info("Redis answers the rate limit's reconcile again: per-user limits are global again ({} live"
                    + " gateways)", buckets.gateways());
        }
        buckets.evictFull();
        return true;
    }

    private void limitAlone(RuntimeException cause) {
        buckets.gateways(1);
        degraded = true;
        long now = nanoTime.getAsLong();
        if (!loggedOnce || now - lastDegradedLog >= TimeUnit.SECONDS.toNanos(DEGRADED_LOG_INTERVAL_SECONDS)) {
            loggedOnce = true;
            lastDegradedLog = now;
            log.warn("Per-user rate limits are per gateway: Redis did not answer the reconcile within {} ({});"
                    + " each gateway enforces the whole limit on its own until it does", timeout, cause.toString());
        }
    }

    /** Lettuce may hand a multi-bulk answer over as one list or element by element. */
    private static List<Long> flatten(List<?> replies) {
        List<Long> numbers = new ArrayList<>();
        if (replies == null) {
            throw new IllegalStateException("the reconcile script answered nothing");
        }
        for (Object reply : replies) {
            if (reply instanceof List<?> list) {
                list.forEach(item -> numbers.add(((Number) item).longValue()));
            } else {
                numbers.add(((Number) reply).longValue());
            }
        }
        return numbers;
    }

    @Override
    protected void schedule(ScheduledExecutorService executor) {
        // The first reconcile at once: it learns how many gateways share the limit.
        executor.scheduleWithFixedDelay(this::reconcileQuietly, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void reconcileQuietly() {
        try {
            reconcile();
        } catch (RuntimeException e) {
            log.warn("Reconciling the per-user rate limit failed: {}", e.toString());
        }
    }

    /** A {@link RedisScript} whose SHA-1 is computed once, when it is made. */
    @SuppressWarnings("rawtypes")
    private record PrecomputedScript(String source, String sha1) implements RedisScript<List> {

        PrecomputedScript(String source) {
            this(source, sha1Of(source));
        }

        private static String sha1Of(String source) {
            try {
                return HexFormat.of().formatHex(
                        MessageDigest.getInstance("SHA-1").digest(source.getBytes(StandardCharsets.UTF_8)));
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("no SHA-1 in this JVM", e);
            }
        }

        @Override
        public String getSha1() {
            return sha1;
        }

        @Override
        public Class<List> getResultType() {
            return List.class;
        }

        @Override
        public String getScriptAsString() {
            return source;
        }
    }
}
