package dev.bookmarks.management;

import java.time.Clock;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;

/**
 * The operators of {@link ManagementProperties} as Spring Security users, with the password encoder and the
 * login throttle both management chains share. A {@code {noop}} password outside the local profile fails
 * start-up, saying how to encode one: a configuration file or environment that leaks must not hand out the
 * management port.
 */
public final class ManagementUsers {

    /** The role every operator has; endpoints other than health require it. */
    public static final String ROLE = "OPERATOR";

    private static final Logger log = LoggerFactory.getLogger(ManagementUsers.class);

    private final List<UserDetails> users;
    private final PasswordEncoder passwordEncoder;
    private final LoginThrottle throttle;

    public ManagementUsers(ManagementProperties properties, boolean localProfile, Clock clock) {
        properties.users().forEach(user ->
                requireEncoded("bookmarks.management.users", user.name(), user.password(), localProfile));
        if (properties.users().isEmpty()) {
            log.warn("bookmarks.management.users is empty: every management endpoint but health answers 401");
        }
        this.users = properties.users().stream()
                .map(user -> User.withUsername(user.name()).password(user.password()).roles(ROLE).build())
                .toList();
        this.passwordEncoder = new CachingPasswordEncoder(PasswordEncoderFactories.createDelegatingPasswordEncoder(),
                properties.authenticationCache(), clock);
        this.throttle = new LoginThrottle(properties.failedLoginsPerMinute(), clock);
    }

    public List<UserDetails> users() {
        return users;
    }

    public PasswordEncoder passwordEncoder() {
        return passwordEncoder;
    }

    public LoginThrottle throttle() {
        return throttle;
    }

    /**
     * Fails unless {@code password} is stored encoded, or {@code localProfile} is set.
     *
     * @param property the property the user came from, for the message
     */
    public static void requireEncoded(String property, String name, String password, boolean localProfile) {
        if (!localProfile && password.startsWith("{noop}")) {
            throw new IllegalStateException(property + ": the password of " + name + " is {noop} (plain text),"
                    + " allowed only under the local profile; store it encoded, e.g. {bcrypt} followed by the output"
                    + " of htpasswd -bnBC 12 '' PASSWORD | tr -d ':\\n'");
        }
    }
}
