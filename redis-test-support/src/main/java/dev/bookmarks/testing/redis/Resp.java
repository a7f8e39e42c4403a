package dev.bookmarks.testing.redis;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Just enough of the Redis protocol (RESP2) to ping, flush and read back a value over a plain
 * socket, so this library carries no Redis client and cannot clash with the one a module uses.
 */
final class Resp {

    private Resp() {
    }

    /**
     * Sends one command on a fresh connection (after AUTH when the endpoint has a password) and
     * returns its reply: a simple string without its {@code +}, an integer's digits, a bulk
     * string's text or {@code null} for a nil bulk string.
     *
     * @throws IOException on any connection failure, on a timeout, on an error reply (its text,
     *     such as {@code LOADING ...}, is in the message) or on an array reply
     */
    static String call(Endpoint endpoint, Duration timeout, String... command) throws IOException {
        try (Socket socket = endpoint.connect(timeout)) {
            OutputStream out = new BufferedOutputStream(socket.getOutputStream());
            InputStream in = new BufferedInputStream(socket.getInputStream());
            boolean auth = endpoint.password() != null;
            if (auth) {
                if (endpoint.user() == null) {
                    write(out, "AUTH", endpoint.password());
                } else {
                    write(out, "AUTH", endpoint.user(), endpoint.password());
                }
            }
            write(out, command);
            out.flush();
            if (auth) {
                read(in);
            }
            return read(in);
        }
    }

    /** Whether anything accepts a TCP connection on the endpoint within {@code timeout}. */
    static boolean acceptsConnections(Endpoint endpoint, Duration timeout) {
        try (Socket ignored = endpoint.connect(timeout)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static void write(OutputStream out, String... command) throws IOException {
        out.write(("*" + command.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
        for (String argument : command) {
            byte[] bytes = argument.getBytes(StandardCharsets.UTF_8);
            out.write(("$" + bytes.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(bytes);
            out.write('\r');
            out.write('\n');
        }
    }

    private static String read(InputStream in) throws IOException {
        int type = in.read();
        if (type < 0) {
            throw new EOFException("Redis closed the connection without a reply");
        }
        String line = readLine(in);
        switch (type) {
            case '+':
            case ':':
                return line;
            case '-':
                throw new IOException("Redis answered with an error: " + line);
            case '$':
                int length = Integer.parseInt(line);
                if (length < 0) {
                    return null;
                }
                byte[] bytes = in.readNBytes(length);
                if (bytes.length < length || in.readNBytes(2).length < 2) {
                    throw new EOFException("Redis closed the connection inside a bulk string");
                }
                return new String(bytes, StandardCharsets.UTF_8);
            default:
                throw new IOException(
                        "unsupported Redis reply type '" + (char) type + "': " + line);
        }
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int previous = -1;
        while (true) {
            int next = in.read();
            if (next < 0) {
                throw new EOFException("Redis closed the connection inside a reply");
            }
            if (previous == '\r' && next == '\n') {
                byte[] bytes = line.toByteArray();
                return new String(bytes, 0, bytes.length - 1, StandardCharsets.UTF_8);
            }
            line.write(next);
            previous = next;
        }
    }
}
