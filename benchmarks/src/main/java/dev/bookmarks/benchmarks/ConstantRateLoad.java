package dev.bookmarks.benchmarks;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseDecoder;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/**
 * A constant-rate load generator that corrects coordinated omission, in the manner of wrk2: requests are due on
 * a fixed schedule ({@link RateSchedule}) and each one's latency runs from when it was due, so time a request
 * spent waiting to be sent (no free connection, a stalled server, a late generator) counts in full. Requests still
 * unanswered when the grace period after the last one ends count with their delay up to that moment.
 *
 * <p>Runs as its own process, so that its CPU and heap are not shared with the harness or a target: {@code java
 * -cp benchmarks.jar dev.bookmarks.benchmarks.ConstantRateLoad <base URL> <requests/s> <connections> <ramp s>
 * <measured s> <token file>}. The token file has one {@code userId token} line per user; request n goes to user
 * n mod users as {@code GET /api/users/{u}/bookmarks} with the user's bearer token and {@code X-User-Id}, like
 * {@link GatewayComparison}'s wrk script. Plain Netty, HTTP/1.1: exactly {@code connections} keep-alive
 * connections are opened before the ramp, split over {@value #LOOPS} event loops, one request at a time on each;
 * a due request waits in its loop's queue for a free connection. A closed connection is not replaced (its request
 * counts as an error). HTTPS certificates are not verified (the target is on loopback). Prints one line: {@code
 * result key=value ...}, latencies in milliseconds; the achieved rate counts every answer in the measured part.
 */
public final class ConstantRateLoad {

    private static final int LOOPS = 2;
    /** How long answers may still arrive after the last request was due. */
    private static final Duration GRACE = Duration.ofSeconds(10);

    private ConstantRateLoad() {
    }

    public static void main(String[] args) throws Exception {
        URI base = URI.create(args[0]);
        if (!"127.0.0.1".equals(base.getHost())) {
            throw new IllegalArgumentException("only 127.0.0.1 is ever a target: " + base);
        }
        RateSchedule schedule = new RateSchedule(Double.parseDouble(args[1]),
                TimeUnit.SECONDS.toNanos(Long.parseLong(args[3])), TimeUnit.SECONDS.toNanos(Long.parseLong(args[4])));
        int connections = Integer.parseInt(args[2]);
        byte[][] requests = requests(base, Files.readAllLines(Path.of(args[5])));
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(LOOPS, NioIoHandler.newFactory());
        try {
            List<Loop> loops = new ArrayList<>();
            for (int i = 0; i < LOOPS; i++) {
                loops.add(new Loop(group.next(), schedule, requests));
            }
            Bootstrap bootstrap = bootstrap(base);
            for (int i = 0; i < connections; i++) {
                loops.get(i % LOOPS).connect(bootstrap, base);
            }
            System.out.println(run(schedule, loops));
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(10, TimeUnit.SECONDS);
        }
    }

    /** One pre-encoded request per line of {@code userId token}. */
    private static byte[][] requests(URI base, List<String> users) {
        String host = base.getHost() + ":" + base.getPort();
        return users.stream().map(line -> line.split(" ")).map(user -> ("GET /api/users/" + user[0]
                + "/bookmarks HTTP/1.1\r\nHost: " + host + "\r\nAuthorization: Bearer " + user[1] + "\r\nX-User-Id: "
                + user[0] + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII)).toArray(byte[][]::new);
    }

    private static Bootstrap bootstrap(URI base) throws Exception {
        SslContext tls = base.getScheme().equals("https")
                ? SslContextBuilder.forClient().trustManager(InsecureTrustManagerFactory.INSTANCE).build() : null;
        return new Bootstrap().channel(NioSocketChannel.class).option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 5000)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        if (tls != null) {
                            channel.pipeline().addLast(tls.newHandler(channel.alloc(), base.getHost(), base.getPort()));
                        }
                        channel.pipeline().addLast(new HttpResponseDecoder());
                    }
                });
    }

    /** Sends on schedule from this thread, waits (bounded) for the answers, and reports. */
    private static String run(RateSchedule schedule, List<Loop> loops) throws Exception {
        long total = schedule.totalRequests();
        long late = 0;
        long start = System.nanoTime();
        for (long i = 0; i < total; i++) {
            long intended = start + schedule.intendedNanos(i);
            waitUntil(intended);
            if (System.nanoTime() - intended > 1_000_000) {
                late++;
            }
            loops.get((int) (i % LOOPS)).submit(i, intended);
        }
        long cutOff = start + schedule.intendedNanos(total - 1) + GRACE.toNanos();
        while (Loop.finished() < total && System.nanoTime() < cutOff) {
            LockSupport.parkNanos(1_000_000);
        }
        Histogram micros = new Histogram(3);
        Counts counts = new Counts();
        for (Loop loop : loops) {
            loop.drain(Math.min(System.nanoTime(), cutOff), micros, counts);
        }
        return report(schedule, micros, counts, late);
    }

    private static String report(RateSchedule schedule, Histogram micros, Counts counts, long late) {
        double seconds = schedule.measuredNanos() / 1e9;
        return String.format("result target_rate=%.0f achieved_rate=%.0f p50=%.2f p99=%.2f p999=%.2f max=%.2f"
                        + " ok=%d status429=%d other_status=%d errors=%d unanswered=%d late_sends=%d",
                schedule.ratePerSecond(), (counts.ok + counts.tooMany + counts.otherStatus) / seconds,
                micros.getValueAtPercentile(50) / 1000.0, micros.getValueAtPercentile(99) / 1000.0,
                micros.getValueAtPercentile(99.9) / 1000.0, micros.getMaxValue() / 1000.0, counts.ok, counts.tooMany,
                counts.otherStatus, counts.errors, counts.unanswered, late);
    }

    /** Parks until {@code deadline} (System.nanoTime); returns at once if it has passed. */
    private static void waitUntil(long deadline) {
        for (long left = deadline - System.nanoTime(); left > 0; left = deadline - System.nanoTime()) {
            LockSupport.parkNanos(left);
        }
    }

    /** Answers by kind, in the measured part. */
    private static final class Counts {
        long ok;
        long tooMany;
        long otherStatus;
        long errors;
        long unanswered;
    }

    /**
     * One event loop's connections, queue and figures. Everything but {@link #submit} and {@link #finished} runs on
     * the loop's thread, so none of it needs a lock.
     */
    private static final class Loop {

        private static final LongAdder FINISHED = new LongAdder();

        private final EventLoop loop;
        private final RateSchedule schedule;
        private final byte[][] requests;
        private final ArrayDeque<long[]> waiting = new ArrayDeque<>();
        private final ArrayDeque<Connection> idle = new ArrayDeque<>();
        private final List<Connection> open = new ArrayList<>();
        private final Histogram micros = new Histogram(3);
        private final Counts counts = new Counts();

        Loop(EventLoop loop, RateSchedule schedule, byte[][] requests) {
            this.loop = loop;
            this.schedule = schedule;
            this.requests = requests;
        }

        static long finished() {
            return FINISHED.sum();
        }

        void connect(Bootstrap bootstrap, URI base) throws InterruptedException {
            Connection connection = new Connection();
            Channel channel = bootstrap.clone(loop).connect(base.getHost(), base.getPort()).sync().channel();
            channel.pipeline().addLast(connection);
            loop.submit(() -> {
                open.add(connection);
                idle.add(connection);
            }).sync();
        }

        /** Hands request {@code index}, due at {@code intended}, to this loop. */
        void submit(long index, long intended) {
            loop.execute(() -> dispatch(new long[] {index, intended}));
        }

        private void dispatch(long[] request) {
            Connection connection = idle.poll();
            if (connection == null) {
                waiting.add(request);
            } else {
                connection.send(request);
            }
        }

        private void record(long[] request, long now, int status) {
            FINISHED.increment();
            if (!schedule.measured(request[0])) {
                return;
            }
            micros.recordValue(Math.max(0, (now - request[1]) / 1000));
            if (status < 0) {
                counts.errors++;
            } else if (status >= 200 && status < 300) {
                counts.ok++;
            } else if (status == 429) {
                counts.tooMany++;
            } else {
                counts.otherStatus++;
            }
        }

        /** Adds this loop's figures, and every measured request still unanswered as of {@code now}, to the totals. */
        void drain(long now, Histogram totalMicros, Counts totals) throws Exception {
            loop.submit(() -> {
                List<long[]> unanswered = new ArrayList<>(waiting);
                for (Connection connection : open) {
                    if (connection.current != null) {
                        unanswered.add(connection.current);
                    }
                }
                for (long[] request : unanswered) {
                    if (schedule.measured(request[0])) {
                        micros.recordValue(Math.max(0, (now - request[1]) / 1000));
                        counts.unanswered++;
                    }
                }
                totalMicros.add(micros);
                totals.ok += counts.ok;
                totals.tooMany += counts.tooMany;
                totals.otherStatus += counts.otherStatus;
                totals.errors += counts.errors;
                totals.unanswered += counts.unanswered;
            }).get(10, TimeUnit.SECONDS);
        }

        /** One keep-alive connection: one request in flight at a time. */
        private final class Connection extends SimpleChannelInboundHandler<HttpObject> {

            private Channel channel;
            private long[] current;
            private int status;

            void send(long[] request) {
                current = request;
                channel.writeAndFlush(Unpooled.wrappedBuffer(requests[(int) (request[0] % requests.length)]));
            }

            @Override
            public void handlerAdded(ChannelHandlerContext context) {
                channel = context.channel();
            }

            @Override
            protected void channelRead0(ChannelHandlerContext context, HttpObject message) {
                if (message instanceof HttpResponse response) {
                    status = response.status().code();
                }
                if (message instanceof LastHttpContent && current != null) {
                    long[] done = current;
                    current = null;
                    record(done, System.nanoTime(), status);
                    long[] next = waiting.poll();
                    if (next == null) {
                        idle.add(this);
                    } else {
                        send(next);
                    }
                }
            }

            @Override
            public void channelInactive(ChannelHandlerContext context) {
                open.remove(this);
                idle.remove(this);
                if (current != null) {
                    record(current, System.nanoTime(), -1);
                    current = null;
                }
            }

            @Override
            public void exceptionCaught(ChannelHandlerContext context, Throwable cause) {
                context.close();
            }
        }
    }
}
