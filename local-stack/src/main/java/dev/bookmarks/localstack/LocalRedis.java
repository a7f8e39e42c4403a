package dev.bookmarks.localstack;

import dev.bookmarks.redis.RedisServerBinary;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/**
 * The stack's Redis: {@code redis-server} from the PATH, else the binary the embedded-redis jar carries
 * (both found by {@link RedisServerBinary}), on a fixed loopback port with its append-only file in a data
 * directory that outlives the process.
 *
 * <p>Only the binary lookup is shared with {@code redis-test-support}: its test Redis lives in temporary
 * directories deleted on close, the opposite of a stack whose data must persist in {@code ./data}.
 */
final class LocalRedis {

    private LocalRedis() {
    }

    /**
     * The password the stack's Redis asks for. Public, like the local profile's other development secrets: the
     * local profile would run without one, but requiring it keeps the stack as close to production as it can be
     * (every process logs in) and keeps a stray client on this machine from writing to it by accident.
     */
    static final String PASSWORD = "local-development-redis-password";

    /**
     * The command that runs Redis on {@code port} with AOF ({@code appendfsync everysec}) in {@code dataDir},
     * requiring {@link #PASSWORD}.
     */
    static List<String> command(int port, Path dataDir) {
        return List.of(RedisServerBinary.find().toString(),
                "--bind", "127.0.0.1",
                "--port", Integer.toString(port),
                "--requirepass", PASSWORD,
                "--dir", dataDir.toAbsolutePath().toString(),
                "--appendonly", "yes",
                "--appendfsync", "everysec",
                "--save", "",
                "--protected-mode", "yes",
                "--daemonize", "no");
    }

    /** The URL every process of the stack connects with, password included. */
    static String url(int port) {
        return "redis://:" + PASSWORD + "@127.0.0.1:" + port;
    }

    /**
     * Whether Redis on {@code port} accepts {@link #PASSWORD} and answers PING with PONG (and not -LOADING while
     * it replays its AOF).
     */
    static boolean answersPing(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
            socket.setSoTimeout(1000);
            OutputStream out = socket.getOutputStream();
            out.write(("*2\r\n$4\r\nAUTH\r\n$" + PASSWORD.length() + "\r\n" + PASSWORD + "\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write("*1\r\n$4\r\nPING\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String expected = "+OK\r\n+PONG\r\n";
            byte[] reply = new byte[expected.length()];
            int read = socket.getInputStream().readNBytes(reply, 0, reply.length);
            return new String(reply, 0, read, StandardCharsets.US_ASCII).equals(expected);
        } catch (IOException e) {
            return false;
        }
    }
}
