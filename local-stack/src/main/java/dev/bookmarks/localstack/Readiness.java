package dev.bookmarks.localstack;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Waits for started parts of the stack to be ready: Redis by PING, the Java services by their readiness probe.
 * Every wait has a deadline and gives up at once, with the log's tail, when the process has exited.
 */
final class Readiness {

    static final Duration REDIS_READY = Duration.ofSeconds(30);

    private Readiness() {
    }

    /**
     * Returns once the stack's Redis answers PING with PONG (so its append-only file is loaded).
     *
     * @throws IllegalStateException if it exits or does not answer within {@link #REDIS_READY}
     */
    static void awaitRedis(Service redis) {
        long deadline = System.nanoTime() + REDIS_READY.toNanos();
        while (!LocalRedis.answersPing(redis.port())) {
            requireAlive(redis);
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("Redis did not answer PING within " + REDIS_READY + "; log tail:\n"
                        + redis.process().logTail(30));
            }
            sleep(100);
        }
    }

    /**
     * Polls every service's readiness probe on its management port until all answer 200.
     *
     * @throws IllegalStateException if any process exits, or not all are ready within {@code timeout}
     */
    static void awaitReady(List<Service> services, Duration timeout) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        List<Service> pending = new ArrayList<>(services);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!pending.isEmpty()) {
            for (Service service : List.copyOf(pending)) {
                requireAlive(service);
                if (status(http, service.managementUrl() + "/actuator/health/readiness") == 200) {
                    pending.remove(service);
                }
            }
            if (pending.isEmpty()) {
                return;
            }
            if (System.nanoTime() > deadline) {
                Service late = pending.get(0);
                throw new IllegalStateException(pending.stream().map(Service::name).toList() + " not ready within "
                        + timeout + "; log tail of " + late.name() + ":\n" + late.process().logTail(40));
            }
            sleep(250);
        }
    }

    private static void requireAlive(Service service) {
        if (!service.process().isAlive()) {
            throw new IllegalStateException(service.name() + " exited with code " + service.process().exitCode()
                    + "; log tail (" + service.process().log() + "):\n" + service.process().logTail(40));
        }
    }

    /** The status of a GET of {@code url} (3 s timeout), -1 when nothing answered. */
    static int status(HttpClient http, String url) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(3)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the stack", e);
        }
    }

    /** Sleeps between polls; an interrupt ends the wait with an exception (and the interrupt flag kept). */
    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
