package dev.bookmarks.benchmarks;

/**
 * When each request of a constant-rate run is due, counted from the run's start: the rate climbs linearly from
 * 0 to {@code ratePerSecond} over the ramp, then holds for the measured part. A request's latency is measured
 * from this intended time, not from when it could actually be sent, so a stalled server is charged for the
 * requests it kept waiting (coordinated omission corrected, as wrk2 does).
 *
 * @param ratePerSecond the rate after the ramp, positive
 * @param rampNanos how long the rate takes to climb, zero or more
 * @param measuredNanos how long it then holds, positive
 */
record RateSchedule(double ratePerSecond, long rampNanos, long measuredNanos) {

    private static final double NANOS_PER_SECOND = 1e9;

    RateSchedule {
        if (!(ratePerSecond > 0) || rampNanos < 0 || measuredNanos <= 0) {
            throw new IllegalArgumentException("rate and measured time must be positive, ramp not negative: "
                    + ratePerSecond + "/s, " + rampNanos + " ns, " + measuredNanos + " ns");
        }
    }

    /** Requests sent during the ramp: the area under the rising rate, rate x ramp / 2. */
    long rampRequests() {
        return (long) Math.ceil(ratePerSecond * rampNanos / NANOS_PER_SECOND / 2);
    }

    /** All requests of the run, ramp included. */
    long totalRequests() {
        return rampRequests() + (long) Math.floor(ratePerSecond * measuredNanos / NANOS_PER_SECOND);
    }

    /** Whether request {@code index} belongs to the measured part (the ramp's are sent but not recorded). */
    boolean measured(long index) {
        return index >= rampRequests();
    }

    /**
     * When request {@code index} (from 0) is due, in nanoseconds after the start. During the ramp n(t) = rate t² /
     * (2 ramp) requests are due by time t, so request i is due at sqrt(2 ramp i / rate); after it, one every 1 / rate.
     */
    long intendedNanos(long index) {
        long ramp = rampRequests();
        if (index < ramp) {
            return (long) Math.sqrt(2.0 * rampNanos * index * NANOS_PER_SECOND / ratePerSecond);
        }
        return rampNanos + (long) ((index - ramp) * NANOS_PER_SECOND / ratePerSecond);
    }
}
