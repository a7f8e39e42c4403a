package dev.bookmarks.ring;

import java.net.URI;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A directory entry of the ring. Positions in the ring belong to the {@link #id()}, never to the
 * {@link #url()}: a shard that comes back at a new address keeps its slots.
 *
 * @param id an RFC 1123 label ({@value #ID_PATTERN}), such as a StatefulSet pod name
 * @param url where the shard listens: an absolute http or https URL with a host, at most
 *     {@value #MAX_URL_LENGTH} characters, without user info, query or fragment
 * @param weight the shard's relative share of the slots, in [{@value #MIN_WEIGHT}, {@value #MAX_WEIGHT}]
 * @param state whether the shard takes a share of the slots
 */
public record Shard(String id, URI url, int weight, ShardState state) {

    public static final String ID_PATTERN = "[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?";
    public static final int MIN_WEIGHT = 1;
    public static final int MAX_WEIGHT = 10_000;
    public static final int MAX_URL_LENGTH = 1024;

    private static final Pattern ID = Pattern.compile(ID_PATTERN);

    public Shard {
        Objects.requireNonNull(id, "shard id");
        Objects.requireNonNull(url, "shard url");
        Objects.requireNonNull(state, "shard state");
        if (!ID.matcher(id).matches()) {
            throw new IllegalArgumentException("shard id must match " + ID_PATTERN + ": " + quote(id));
        }
        requireValidUrl(url);
        if (weight < MIN_WEIGHT || weight > MAX_WEIGHT) {
            throw new IllegalArgumentException(
                    "shard weight must be in [" + MIN_WEIGHT + ", " + MAX_WEIGHT + "]: " + weight);
        }
    }

    /** An {@link ShardState#ACTIVE} shard; {@code url} is parsed with {@link URI#create}. */
    public static Shard active(String id, String url, int weight) {
        return new Shard(id, parseUrl(url), weight, ShardState.ACTIVE);
    }

    /** This shard with another state. */
    public Shard withState(ShardState newState) {
        return new Shard(id, url, weight, newState);
    }

    /**
     * Parses a shard URL.
     *
     * @throws IllegalArgumentException if it is not an absolute http(s) URL as {@link #url()} says
     */
    public static URI parseUrl(String url) {
        Objects.requireNonNull(url, "shard url");
        if (url.length() > MAX_URL_LENGTH) {
            throw new IllegalArgumentException("shard url must be at most " + MAX_URL_LENGTH
                    + " characters: " + url.length());
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (java.net.URISyntaxException e) {
            throw new IllegalArgumentException("shard url is malformed: " + e.getMessage(), e);
        }
        requireValidUrl(uri);
        return uri;
    }

    private static void requireValidUrl(URI url) {
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new IllegalArgumentException("shard url must be http or https: " + quote(url.toString()));
        }
        if (url.getHost() == null || url.getRawUserInfo() != null || url.getRawQuery() != null
                || url.getRawFragment() != null) {
            throw new IllegalArgumentException(
                    "shard url must have a host and no user info, query or fragment: " + quote(url.toString()));
        }
        if (url.toString().length() > MAX_URL_LENGTH) {
            throw new IllegalArgumentException("shard url must be at most " + MAX_URL_LENGTH
                    + " characters: " + url.toString().length());
        }
    }

    /** Quotes untrusted text for a message: at most 80 chars, control characters escaped. */
    static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (int i = 0; i < s.length() && i < 80; i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7F || c == '"' || c == '\\') {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.append(s.length() > 80 ? "...\"" : "\"").toString();
    }
}
