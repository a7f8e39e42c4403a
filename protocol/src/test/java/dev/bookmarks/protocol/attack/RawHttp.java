package dev.bookmarks.protocol.attack;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * An HTTP/1.1 client that sends the request target byte for byte as given: no URI parsing, no normalization,
 * no encoding (the JDK's client would refuse or rewrite many of the forms an attacker sends). Plain HTTP to
 * 127.0.0.1 only; one request per connection; the answer is read to the end.
 */
public final class RawHttp {

    /** A status code and the whole raw answer (head and body) as ISO-8859-1 text, to search for leaked data. */
    public record Answer(int status, String raw) {
    }

    private RawHttp() {
    }

    /**
     * Sends {@code method rawTarget HTTP/1.1} to 127.0.0.1:{@code port} with {@code headers} and, when
     * {@code body} is not null, that body as JSON.
     */
    public static Answer send(int port, String method, String rawTarget, Map<String, String> headers, String body) {
        return send(null, port, method, rawTarget, headers, body);
    }

    /**
     * As {@link #send(int, String, String, Map, String)}, from the local address {@code from} (another loopback
     * address, say, for a test of a per-address limit that must not hold back the test's other requests), or from
     * whatever address the system picks when it is null.
     */
    public static Answer send(InetAddress from, int port, String method, String rawTarget, Map<String, String> headers,
            String body) {
        byte[] content = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        StringBuilder head = new StringBuilder().append(method).append(' ').append(rawTarget).append(" HTTP/1.1\r\n")
                .append("Host: 127.0.0.1:").append(port).append("\r\n").append("Connection: close\r\n");
        headers.forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
        if (body != null) {
            head.append("Content-Type: application/json\r\n");
        }
        head.append("Content-Length: ").append(content.length).append("\r\n\r\n");
        try (Socket socket = from == null ? new Socket(InetAddress.getLoopbackAddress(), port)
                : new Socket(InetAddress.getLoopbackAddress(), port, from, 0)) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            // UTF-8: a non-ASCII character in the target goes out as its raw bytes, as a hostile client sends it.
            // Head and body in one write: a server that answers after the head and closes then finds no unread
            // bytes, so it closes with FIN rather than a reset that could discard its answer before it is read.
            ByteArrayOutputStream request = new ByteArrayOutputStream();
            request.write(head.toString().getBytes(StandardCharsets.UTF_8));
            request.write(content);
            out.write(request.toByteArray());
            out.flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            try {
                for (int n; (n = in.read(buffer)) >= 0 && answer.size() < 1 << 20; ) {
                    answer.write(buffer, 0, n);
                }
            } catch (java.net.SocketException e) {
                if (answer.size() == 0) {
                    throw e;
                }
                // A reset after the answer arrived: the answer stands.
            }
            String raw = answer.toString(StandardCharsets.ISO_8859_1);
            int status = raw.startsWith("HTTP/1.1 ") && raw.length() >= 12 ? Integer.parseInt(raw.substring(9, 12)) : -1;
            return new Answer(status, raw);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
