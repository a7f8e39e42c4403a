package dev.bookmarks.localstack;

import java.util.List;

/**
 * What the one-command local stack prints once it is ready: every part with its URL and PID, the admin's
 * curl commands, and a development token and bookmark requests to copy and paste.
 */
final class Banner {

    private Banner() {
    }

    /**
     * The banner of a started stack; {@code firstRequestSeconds} below 0 prints a warning that the first list
     * request did not succeed in time.
     */
    static String of(LocalStack stack, double readySeconds, double firstRequestSeconds) {
        List<Service> gateways = stack.gateways();
        String admin = LocalStack.ADMIN_USER + ":" + stack.adminPassword();
        boolean https = "https".equals(stack.gatewayScheme());
        // curl trusts gateway 1's certificate for gateway 1's requests and gateway 2's for gateway 2's.
        String k = https ? "--cacert " + Tls.gatewayCertificate(gateways.get(0).dataDir()) + " " : "";
        String k2 = https && gateways.size() > 1
                ? "--cacert " + Tls.gatewayCertificate(gateways.get(1).dataDir()) + " " : k;
        String g1 = stack.gatewayUrl(0);
        String g2 = gateways.size() > 1 ? stack.gatewayUrl(1) : g1;
        StringBuilder out = new StringBuilder();
        out.append(String.format("%n[local-stack] ready in %.1f s", readySeconds));
        out.append(firstRequestSeconds >= 0 ? String.format("; first request answered 200 at %.1f s%n", firstRequestSeconds)
                : String.format("; WARNING: the gateway did not answer a list request within 60 s (see logs)%n"));
        out.append(String.format("  %-10s %-28s pid %d%n", "redis", stack.redisUrl(), stack.redis().pid()));
        Service registry = stack.registry();
        out.append(String.format("  %-10s %-28s pid %d  admin: curl -u %s %s/actuator/ring%n", "registry",
                registry.managementUrl(), registry.pid(), admin, registry.managementUrl()));
        if (stack.issuer() != null) {
            out.append(String.format("  %-10s %-28s pid %d  development OIDC issuer (users alice, bob)%n", "issuer",
                    stack.issuerUrl(), stack.issuer().pid()));
        }
        for (Service shard : stack.shards()) {
            out.append(String.format("  %-10s %-28s pid %d  management: curl -u %s %s/actuator/shard%n", shard.name(),
                    "http://127.0.0.1:" + shard.port(), shard.pid(), admin, shard.managementUrl()));
        }
        for (int i = 0; i < gateways.size(); i++) {
            out.append(String.format("  %-10s %-28s pid %d  management: curl -u %s %s/actuator/circuitbreakers%n",
                    gateways.get(i).name(), stack.gatewayUrl(i), gateways.get(i).pid(), admin,
                    gateways.get(i).managementUrl()));
        }
        out.append(String.format("  logs: %s%n%n", stack.options().dataDir().resolve("logs")));
        if (stack.issuer() != null) {
            out.append(String.format("Open the web app at %s/ and sign in as alice (password alice-password) or bob"
                    + " (bob-password)%s.%n", g1, https ? "; the browser asks once to accept the gateway's self-signed"
                    + " certificate" : ""));
        }
        out.append(String.format("Open the ring console at %s/console (user %s, password %s).%n%n",
                registry.managementUrl(), LocalStack.ADMIN_USER, stack.adminPassword()));
        out.append(String.format("Get a development token:%n  curl %s-X POST %s/auth/dev-token -H 'Content-Type: application/json'"
                + " -d '{\"userId\":\"alice\"}'%n%n", k, g1));
        out.append(String.format("Create a bookmark through %s and list it through %s (copy-paste):%n", g1, g2));
        out.append(String.format("  TOKEN=$(curl -s %s-X POST %s/auth/dev-token -H 'Content-Type: application/json'"
                + " -d '{\"userId\":\"alice\"}' | sed -E 's/.*\"token\":\"([^\"]+)\".*/\\1/') && curl -s %s-X POST"
                + " %s/api/users/alice/bookmarks -H \"Authorization: Bearer $TOKEN\" -H 'Content-Type: application/json'"
                + " -d '{\"url\":\"https://example.com\",\"title\":\"Example\",\"tags\":[\"demo\"]}' && echo && curl -s %s"
                + "%s/api/users/alice/bookmarks -H \"Authorization: Bearer $TOKEN\" && echo%n%n", k, g1, k, g1, k2, g2));
        out.append("Press Ctrl-C to stop everything; data stays in ").append(stack.options().dataDir());
        return out.toString();
    }
}
