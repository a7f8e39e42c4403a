package dev.bookmarks.benchmarks;

import java.nio.file.Path;
import java.util.List;

/**
 * The NGINX and HAProxy configurations {@link GatewayComparison} runs: three stub backends in one NGINX, an
 * NGINX load balancer hashing on {@code X-User-Id} and an HAProxy doing the same. Everything listens on
 * 127.0.0.1 only and writes its pid, logs and temporary files under the directory given.
 *
 * <p>Both NGINX configurations use {@code worker_processes auto} (one worker per core), so that the balancer
 * can use the same cores as HAProxy ({@code nbthread 2}) and the JVMs. {@code keepalive_requests} is raised on
 * both sides because NGINX closes a keep-alive connection after 1000 requests by default, which HAProxy and
 * the gateways do not: left alone, only NGINX would pay for reconnecting under load.
 */
final class ProxyConfigs {

    /** The stubs' answer: exactly {@value #STUB_BODY_LENGTH} bytes of JSON (no quote needs escaping in NGINX's single quotes). */
    static final String STUB_BODY = "{\"bookmarks\":[{\"url\":\"https://example.com/\",\"title\":\"the stub\"}],\"next\":null}";

    static final int STUB_BODY_LENGTH = 77;

    /** Requests one keep-alive connection may carry before NGINX closes it: more than any run sends. */
    private static final int KEEPALIVE_REQUESTS = 100_000_000;

    private ProxyConfigs() {
    }

    /** One NGINX serving {@link #STUB_BODY} as {@code application/json} for every path under /api/, on each port. */
    static String nginxStubs(Path dir, List<Integer> ports) {
        StringBuilder servers = new StringBuilder();
        for (int port : ports) {
            servers.append("  server {\n")
                    .append("    listen 127.0.0.1:").append(port).append(";\n")
                    .append("    location /api/ {\n")
                    .append("      default_type application/json;\n")
                    .append("      return 200 '").append(STUB_BODY).append("';\n")
                    .append("    }\n")
                    .append("  }\n");
        }
        return nginx(dir, "stubs", servers.toString());
    }

    /** An NGINX load balancer on {@code port}: consistent hash of {@code X-User-Id} over the stubs, 64 idle upstream connections kept. */
    static String nginxBalancer(Path dir, int port, List<Integer> stubPorts) {
        StringBuilder http = new StringBuilder("  upstream stubs {\n    hash $http_x_user_id consistent;\n");
        for (int stub : stubPorts) {
            http.append("    server 127.0.0.1:").append(stub).append(";\n");
        }
        http.append("    keepalive 64;\n")
                .append("    keepalive_requests ").append(KEEPALIVE_REQUESTS).append(";\n")
                .append("  }\n")
                .append("  server {\n")
                .append("    listen 127.0.0.1:").append(port).append(";\n")
                .append("    location / {\n")
                .append("      proxy_pass http://stubs;\n")
                .append("      proxy_http_version 1.1;\n")
                .append("      proxy_set_header Connection \"\";\n")
                .append("    }\n")
                .append("  }\n");
        return nginx(dir, "balancer", http.toString());
    }

    /** An HAProxy on {@code port}: {@code balance hdr(X-User-Id)}, consistent hashing, idle server connections shared. */
    static String haproxy(int port, List<Integer> stubPorts) {
        StringBuilder config = new StringBuilder()
                .append("global\n")
                .append("  nbthread 2\n")
                .append("  maxconn 4096\n")
                .append("defaults\n")
                .append("  mode http\n")
                .append("  option http-keep-alive\n")
                .append("  http-reuse always\n")
                .append("  timeout connect 2s\n")
                .append("  timeout client 30s\n")
                .append("  timeout server 30s\n")
                .append("frontend balancer\n")
                .append("  bind 127.0.0.1:").append(port).append('\n')
                .append("  default_backend stubs\n")
                .append("backend stubs\n")
                .append("  balance hdr(X-User-Id)\n")
                .append("  hash-type consistent\n");
        for (int i = 0; i < stubPorts.size(); i++) {
            config.append("  server stub-").append(i).append(" 127.0.0.1:").append(stubPorts.get(i)).append('\n');
        }
        return config.toString();
    }

    /** The main context every NGINX here shares: in the foreground, its files under {@code dir}, no access log. */
    private static String nginx(Path dir, String name, String http) {
        String prefix = dir.toAbsolutePath() + "/" + name;
        return "daemon off;\n"
                + "master_process on;\n"
                + "worker_processes auto;\n"
                + "pid " + prefix + ".pid;\n"
                + "error_log " + prefix + "-error.log warn;\n"
                + "events {\n  worker_connections 4096;\n}\n"
                + "http {\n"
                + "  access_log off;\n"
                + "  keepalive_timeout 75s;\n"
                + "  keepalive_requests " + KEEPALIVE_REQUESTS + ";\n"
                // NGINX's compiled-in temporary paths are outside the run's directory.
                + "  client_body_temp_path " + prefix + "-body;\n"
                + "  proxy_temp_path " + prefix + "-proxy;\n"
                + "  fastcgi_temp_path " + prefix + "-fastcgi;\n"
                + "  uwsgi_temp_path " + prefix + "-uwsgi;\n"
                + "  scgi_temp_path " + prefix + "-scgi;\n"
                + http
                + "}\n";
    }
}
