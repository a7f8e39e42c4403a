package dev.bookmarks.testing.redis;

import java.util.function.Supplier;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * One {@link RealRedis} per test class: started before the class's first test, closed after
 * its last, and injected into any test, lifecycle method or constructor parameter of type
 * {@code RealRedis}.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final RealRedisExtension redis = new RealRedisExtension();
 *
 * @Test
 * void stores() {
 *     String url = redis.get().url();
 * }
 * }</pre>
 *
 * <p>{@code @Nested} classes share their outer class's Redis. The Redis is not flushed between
 * tests; call {@link RealRedis#flushAll()} in {@code @BeforeEach} where tests must not see each
 * other's keys. Register an instance in one class only: the instance holds one Redis at a time.
 */
public final class RealRedisExtension implements BeforeAllCallback, AfterAllCallback,
        ParameterResolver {

    private final Supplier<RealRedis> starter;
    private RealRedis redis;
    private Class<?> owner;

    /** A Redis chosen by {@link RealRedis#start()}: {@code REDIS_URL}, Docker or a process. */
    public RealRedisExtension() {
        this(RealRedis::start);
    }

    private RealRedisExtension(Supplier<RealRedis> starter) {
        this.starter = starter;
    }

    /** Always a {@code redis-server} process ({@link RealRedis#startProcess()}), for kill tests. */
    public static RealRedisExtension process() {
        return new RealRedisExtension(RealRedis::startProcess);
    }

    /**
     * The current class's Redis.
     *
     * @throws IllegalStateException outside the class's lifecycle (before its
     *     {@code @BeforeAll} or after its {@code @AfterAll})
     */
    public synchronized RealRedis get() {
        if (redis == null) {
            throw new IllegalStateException(
                    "no Redis: RealRedisExtension.get() is valid only while a test class runs");
        }
        return redis;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        ensureStarted(context);
    }

    @Override
    public synchronized void afterAll(ExtensionContext context) {
        // A @Nested class's afterAll comes here too; only the class that started it closes it.
        if (redis != null && context.getRequiredTestClass() == owner) {
            try {
                redis.close();
            } finally {
                redis = null;
                owner = null;
            }
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == RealRedis.class;
    }

    @Override
    public RealRedis resolveParameter(ParameterContext parameter, ExtensionContext context) {
        // With @TestInstance(PER_CLASS) the constructor is resolved before beforeAll runs.
        return ensureStarted(context);
    }

    private synchronized RealRedis ensureStarted(ExtensionContext context) {
        if (redis == null) {
            redis = starter.get();
            owner = context.getRequiredTestClass();
        }
        return redis;
    }
}
