package dev.bookmarks.bookmarkservice.bookmarks;

import dev.bookmarks.testing.redis.RealRedis;

/**
 * One real Redis for every shard these tests start, for the parts of the application that need
 * one (the ring watcher, heartbeats); the bookmarks don't. It lives as long as the JVM, not a test
 * class, because Spring caches a started application across test classes and the cached one must
 * keep its Redis. redis-test-support's reaper stops it when the JVM exits.
 */
final class SharedRedis {

    private static RealRedis redis;

    private SharedRedis() {
    }

    static synchronized String url() {
        if (redis == null) {
            redis = RealRedis.start();
        }
        return redis.url();
    }
}
