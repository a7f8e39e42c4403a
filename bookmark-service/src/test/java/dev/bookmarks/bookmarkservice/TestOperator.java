package dev.bookmarks.bookmarkservice;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;

/**
 * The management operator of the shard tests. Shards under test run without the local profile, so the password
 * is stored as bcrypt, as in a deployment (at cost 4: the tests measure nothing about BCrypt's cost).
 */
public final class TestOperator {

    public static final String NAME = "operator";
    public static final String PASSWORD = "the operator password of the shard tests";
    private static final String ENCODED = "{bcrypt}" + new BCryptPasswordEncoder(4).encode(PASSWORD);

    private TestOperator() {
    }

    /** The value of an {@code Authorization} header carrying the operator's credential. */
    public static String authorization() {
        return basic(NAME, PASSWORD);
    }

    public static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    /** Command-line arguments that make the operator the shard's only management user. */
    public static List<String> arguments() {
        return List.of("--bookmarks.management.users[0].name=" + NAME, "--bookmarks.management.users[0].password=" + ENCODED);
    }

    /** The stored (encoded) password, for property sources. */
    public static String encodedPassword() {
        return ENCODED;
    }
}
