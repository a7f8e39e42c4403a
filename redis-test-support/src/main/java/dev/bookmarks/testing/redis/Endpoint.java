package dev.bookmarks.testing.redis;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * Where a Redis listens and how to log in to it: host, port, TLS, and the optional user and
 * password of a {@code redis://} or {@code rediss://} URL.
 *
 * @param user {@code null} for Redis's default user
 * @param password {@code null} when no AUTH is needed
 */
record Endpoint(String host, int port, boolean tls, String user, String password) {

    static final int DEFAULT_PORT = 6379;

    static Endpoint plain(String host, int port) {
        return new Endpoint(host, port, false, null, null);
    }

    /**
     * Parses {@code redis[s]://[[user]:password@]host[:port][/db]}. A user-info without a colon
     * is a password, as Lettuce reads it. The database index is ignored: FLUSHALL and PING do
     * not depend on it.
     *
     * @throws IllegalArgumentException if the URL is not a Redis URL with a host
     */
    static Endpoint parse(String url) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("not a Redis URL: " + redact(url), e);
        }
        String scheme = uri.getScheme();
        if (!"redis".equals(scheme) && !"rediss".equals(scheme)) {
            throw new IllegalArgumentException(
                    "not a redis:// or rediss:// URL: " + redact(url));
        }
        if (uri.getHost() == null) {
            throw new IllegalArgumentException("Redis URL has no host: " + redact(url));
        }
        String user = null;
        String password = null;
        String userInfo = uri.getUserInfo();
        if (userInfo != null && !userInfo.isEmpty()) {
            int colon = userInfo.indexOf(':');
            if (colon < 0) {
                password = userInfo;
            } else {
                user = colon == 0 ? null : userInfo.substring(0, colon);
                password = userInfo.substring(colon + 1);
            }
        }
        int port = uri.getPort() < 0 ? DEFAULT_PORT : uri.getPort();
        return new Endpoint(uri.getHost(), port, "rediss".equals(scheme), user, password);
    }

    /** The URL with any user-info replaced by {@code ***}, so it can be logged. */
    static String redact(String url) {
        int scheme = url.indexOf("://");
        int at = url.lastIndexOf('@');
        return scheme >= 0 && at > scheme ? url.substring(0, scheme + 3) + "***" + url.substring(at)
                : url;
    }

    /** Opens a connection whose connect and every read are bounded by {@code timeout}. */
    Socket connect(Duration timeout) throws IOException {
        int millis = Math.toIntExact(timeout.toMillis());
        Socket socket = new Socket();
        try {
            socket.connect(new InetSocketAddress(host, port), millis);
            socket.setSoTimeout(millis);
            if (!tls) {
                return socket;
            }
            SSLSocket secure = (SSLSocket) ((SSLSocketFactory) SSLSocketFactory.getDefault())
                    .createSocket(socket, host, port, true);
            secure.setSoTimeout(millis);
            secure.startHandshake();
            return secure;
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    @Override
    public String toString() {
        // Never the password: records would print it by default.
        return (tls ? "rediss://" : "redis://") + host + ":" + port;
    }
}
