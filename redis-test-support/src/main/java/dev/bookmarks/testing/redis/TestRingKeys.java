package dev.bookmarks.testing.redis;

/**
 * The fixed Ed25519 ring-signing key pair of the tests: rings that a test writes to Redis are
 * signed with {@link #PRIVATE_KEY}, and the applications under test trust {@link #PUBLIC_KEY}
 * ({@code bookmarks.registry.ring-signing.trusted-keys}).
 *
 * <p>It is the {@code local} profile's development key pair (committed in each service's
 * {@code application-local.yml}, public like the development internal secret), so an application
 * started with that profile trusts these rings with no extra configuration; any other profile
 * must be given {@link #TRUSTED_KEYS_PROPERTY}.
 */
public final class TestRingKeys {

    /** Ed25519 private key, {@code base64:} PKCS#8 DER. */
    public static final String PRIVATE_KEY =
            "base64:MC4CAQAwBQYDK2VwBCIEIIO3ZyQ8u4wXElHhtHGti2AUq8Bctrf6I1CwJ45aofCW";

    /** Its public key, {@code base64:} X.509 DER. */
    public static final String PUBLIC_KEY = "base64:MCowBQYDK2VwAyEAofFAA3FDDR6i3/DbPSlXjUSWKZWxQzStoUk8mFiJCrM=";

    /** {@code bookmarks.registry.ring-signing.trusted-keys=}{@link #PUBLIC_KEY}, as one property line. */
    public static final String TRUSTED_KEYS_PROPERTY = "bookmarks.registry.ring-signing.trusted-keys=" + PUBLIC_KEY;

    /** {@code bookmarks.registry.ring-signing.private-key=}{@link #PRIVATE_KEY}, for a registry under test. */
    public static final String PRIVATE_KEY_PROPERTY = "bookmarks.registry.ring-signing.private-key=" + PRIVATE_KEY;

    private TestRingKeys() {
    }
}
