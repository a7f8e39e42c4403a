package dev.bookmarks.bookmarkservice.security;

import jakarta.servlet.http.HttpServletRequest;

/** The user and ring epoch a gateway vouched for, once {@link GatewaySignatureFilter} checked them. */
public record GatewayIdentity(String userId, long epoch) {

    private static final String ATTRIBUTE = GatewayIdentity.class.getName();

    static void set(HttpServletRequest request, GatewayIdentity identity) {
        request.setAttribute(ATTRIBUTE, identity);
    }

    /** The identity on this request, or null when trust checks are off (tests of other layers). */
    public static GatewayIdentity of(HttpServletRequest request) {
        return (GatewayIdentity) request.getAttribute(ATTRIBUTE);
    }
}
