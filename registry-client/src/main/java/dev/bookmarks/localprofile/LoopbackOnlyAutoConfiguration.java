package dev.bookmarks.localprofile;

import java.net.InetAddress;
import java.net.UnknownHostException;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.context.annotation.Profile;
import org.springframework.core.env.Environment;

/**
 * The {@code local} profile carries development secrets (a fixed internal secret, a token endpoint that mints a
 * token for any user), so a service running it must be reachable from this machine only: start-up fails unless
 * {@code server.address} and {@code management.server.address} are both set to a loopback address (127.0.0.0/8
 * or ::1). Unset means every interface, and is refused too. Each service's {@code application-local.yml} sets
 * both to 127.0.0.1.
 */
@AutoConfiguration
@Profile("local")
public class LoopbackOnlyAutoConfiguration {

    static final String[] PROPERTIES = {"server.address", "management.server.address"};

    public LoopbackOnlyAutoConfiguration(Environment environment) {
        for (String property : PROPERTIES) {
            requireLoopback(property, environment.getProperty(property));
        }
    }

    /** Throws unless {@code value} is a loopback address (no name lookup beyond the literal). */
    static void requireLoopback(String property, String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("The local profile listens on loopback only: set " + property
                    + " to 127.0.0.1 (unset means every interface)");
        }
        InetAddress address;
        try {
            // A literal is parsed without a lookup; a name (such as localhost) is resolved once.
            address = InetAddress.getByName(value.trim());
        } catch (UnknownHostException e) {
            throw new IllegalStateException("The local profile listens on loopback only: " + property + "="
                    + value + " is not an address", e);
        }
        if (!address.isLoopbackAddress()) {
            throw new IllegalStateException("The local profile listens on loopback only: " + property + "="
                    + value + " is not a loopback address (127.0.0.0/8 or ::1); the local profile's development"
                    + " secrets must never be reachable from another machine");
        }
    }
}
