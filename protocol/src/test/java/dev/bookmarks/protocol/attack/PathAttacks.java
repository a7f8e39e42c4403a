package dev.bookmarks.protocol.attack;

import java.util.List;

/**
 * Request targets that try to reach {@code victim}'s bookmarks by another spelling of
 * {@code /api/users/{victim}/bookmarks}: path parameters, percent-encodings, case, empty and dot segments,
 * overlong UTF-8, backslashes, trailing slashes, and detours through the attacker's own path. A gateway and a
 * shard must answer each with 400, 401, 403 or 404, and read or write nothing for the victim.
 */
public final class PathAttacks {

    private PathAttacks() {
    }

    /** At least 25 spellings; {@code attacker} is a user the attacker holds a token (or signature) for. */
    public static List<String> targeting(String victim, String attacker) {
        String first = "%" + Integer.toHexString(victim.charAt(0)).toUpperCase();
        String rest = victim.substring(1);
        return List.of(
                "/api;x/users/" + victim + "/bookmarks",
                "/api/users;x/" + victim + "/bookmarks",
                "/api/users/" + victim + ";x/bookmarks",
                "/api/users/" + victim + "/bookmarks;x",
                "/api/users/" + victim + "/bookmarks;",
                "/%61pi/users/" + victim + "/bookmarks",
                "/api/%75sers/" + victim + "/bookmarks",
                "/api/users/" + first + rest + "/bookmarks",
                "/api/users/" + victim + "/%62ookmarks",
                "/api%2Fusers/" + victim + "/bookmarks",
                "/api/users/" + victim + "%2Fbookmarks",
                "//api/users/" + victim + "/bookmarks",
                "/api//users/" + victim + "/bookmarks",
                "/api/users//" + victim + "/bookmarks",
                "/api/users/" + victim + "//bookmarks",
                "/api/users/" + victim + "/bookmarks/",
                "/./api/users/" + victim + "/bookmarks",
                "/api/users/./" + victim + "/bookmarks",
                "/api/users/" + victim + "/./bookmarks",
                "/api/x/../users/" + victim + "/bookmarks",
                "/api/users/" + attacker + "/../" + victim + "/bookmarks",
                "/api/users/" + attacker + "/%2e%2e/" + victim + "/bookmarks",
                "/api/users/" + attacker + "/%2E%2E/" + victim + "/bookmarks",
                "/api/users/" + attacker + "/..%2F" + victim + "/bookmarks",
                "/api/users/" + attacker + "%2F..%2F" + victim + "/bookmarks",
                "/api/users/" + attacker + "/%c0%ae%c0%ae/" + victim + "/bookmarks",
                "/api/users/" + attacker + "%c0%af..%c0%af" + victim + "/bookmarks",
                "/api/users/" + attacker + ";/../" + victim + "/bookmarks",
                "/api\\users\\" + victim + "\\bookmarks",
                "/api/users/" + attacker + "\\..\\" + victim + "/bookmarks",
                "/API/users/" + victim + "/bookmarks",
                "/api/USERS/" + victim + "/bookmarks",
                "/api/users/" + victim.toUpperCase() + "/bookmarks",
                "/api/users/" + victim + "/BOOKMARKS",
                "/api/users/" + victim + "%00/bookmarks",
                "/api/users/" + victim + "/bookmarks%20",
                "/api/users/" + victim + "\u00e9/bookmarks");
    }

    /**
     * Request targets that try to reach the actuator endpoint {@code /actuator/{endpoint}} without a credential by
     * another spelling, most of them as a detour through {@code /actuator/health}, the one endpoint open to
     * anyone. A management port must answer each with 400, 401, 403 or 404, never with the endpoint.
     */
    public static List<String> reachingEndpoint(String endpoint) {
        String first = "%" + Integer.toHexString(endpoint.charAt(0)).toUpperCase();
        String rest = endpoint.substring(1);
        return List.of(
                "/actuator/health/../" + endpoint,
                "/actuator/health/%2e%2e/" + endpoint,
                "/actuator/health/%2E%2E/" + endpoint,
                "/actuator/health/..%2F" + endpoint,
                "/actuator/health%2F..%2F" + endpoint,
                "/actuator/health;/../" + endpoint,
                "/actuator/health/..;/" + endpoint,
                "/actuator/health/%c0%ae%c0%ae/" + endpoint,
                "/actuator/health\\..\\" + endpoint,
                "/actuator/health/..%5C" + endpoint,
                "/actuator/" + first + rest,
                "/%61ctuator/" + endpoint,
                "/actuator;x/" + endpoint,
                "/actuator/" + endpoint + ";x",
                "/actuator/" + endpoint + ";health",
                "//actuator/" + endpoint,
                "/actuator//" + endpoint,
                "/actuator/" + endpoint + "/",
                "/actuator/./" + endpoint,
                "/ACTUATOR/" + endpoint,
                "/actuator/" + endpoint.toUpperCase(),
                "/actuator/" + endpoint + "%00",
                "/actuator/" + endpoint + "%20",
                "/actuator/" + endpoint + "?/actuator/health");
    }
}
