package dev.bookmarks.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProxyConfigsTest {

    private static final List<Integer> STUBS = List.of(9001, 9002, 9003);

    @Test
    void theStubsAnswerSeventySevenBytesOfJsonOnEachPortOfLoopback() {
        String config = ProxyConfigs.nginxStubs(Path.of("/tmp/run"), STUBS);

        assertThat(ProxyConfigs.STUB_BODY.getBytes(StandardCharsets.UTF_8)).hasSize(ProxyConfigs.STUB_BODY_LENGTH);
        assertThat(config).contains("listen 127.0.0.1:9001;", "listen 127.0.0.1:9002;", "listen 127.0.0.1:9003;")
                .contains("default_type application/json;", "return 200 '" + ProxyConfigs.STUB_BODY + "';")
                .contains("daemon off;", "pid /tmp/run/stubs.pid;", "access_log off;");
    }

    @Test
    void theNginxBalancerHashesTheUserHeaderAndKeepsUpstreamConnections() {
        String config = ProxyConfigs.nginxBalancer(Path.of("/tmp/run"), 8080, STUBS);

        assertThat(config).contains("hash $http_x_user_id consistent;", "keepalive 64;", "server 127.0.0.1:9002;",
                "listen 127.0.0.1:8080;", "proxy_http_version 1.1;", "proxy_set_header Connection \"\";");
    }

    @Test
    void haproxyHashesTheUserHeaderConsistentlyOverEveryStub() {
        String config = ProxyConfigs.haproxy(8080, STUBS);

        assertThat(config).contains("balance hdr(X-User-Id)", "hash-type consistent", "http-reuse always",
                "option http-keep-alive", "mode http", "bind 127.0.0.1:8080", "server stub-2 127.0.0.1:9003");
    }
}
