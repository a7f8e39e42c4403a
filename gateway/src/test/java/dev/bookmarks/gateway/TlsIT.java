package dev.bookmarks.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bookmarks.gateway.tls.SelfSignedCertificate;
import dev.bookmarks.testing.redis.RealRedisExtension;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.HexFormat;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * HTTPS on the public port under the local profile: a self-signed certificate made in the data
 * directory on first start, trusted by a client that loads it, HTTP/2 by ALPN, and the same
 * certificate again after a restart.
 */
class TlsIT {

    @RegisterExtension
    static final RealRedisExtension redis = new RealRedisExtension();

    @TempDir
    Path dataDir;

    @Test
    void servesHttp2OverTlsWithTheSelfSignedCertificateAndReusesItAfterARestart() throws Exception {
        String servedFirst;
        try (ConfigurableApplicationContext gateway = start()) {
            Path pem = SelfSignedCertificate.certificatePath(dataDir);
            assertThat(pem).isRegularFile();
            HttpClient client = trusting(pem, null);

            HttpResponse<String> token = client.send(tokenRequest(port(gateway)), HttpResponse.BodyHandlers.ofString());

            assertThat(token.statusCode()).as(token.body()).isEqualTo(200);
            assertThat(token.version()).isEqualTo(HttpClient.Version.HTTP_2);
            assertThat(token.sslSession()).get().extracting(s -> s.getProtocol()).isIn("TLSv1.3", "TLSv1.2");
            servedFirst = fingerprint(token.sslSession().orElseThrow().getPeerCertificates()[0]);
            assertThat(servedFirst).isEqualTo(fingerprint(read(pem)));

            HttpResponse<String> tls12 = trusting(pem, "TLSv1.2").send(tokenRequest(port(gateway)),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(tls12.statusCode()).isEqualTo(200);
            assertThat(tls12.sslSession().orElseThrow().getProtocol()).isEqualTo("TLSv1.2");

            // A client that does not trust the development certificate is refused.
            assertThatThrownBy(() -> HttpClient.newHttpClient().send(tokenRequest(port(gateway)),
                    HttpResponse.BodyHandlers.ofString())).isInstanceOf(SSLHandshakeException.class);
        }
        try (ConfigurableApplicationContext gateway = start()) {
            HttpResponse<String> token = trusting(SelfSignedCertificate.certificatePath(dataDir), null)
                    .send(tokenRequest(port(gateway)), HttpResponse.BodyHandlers.ofString());

            assertThat(token.statusCode()).isEqualTo(200);
            assertThat(fingerprint(token.sslSession().orElseThrow().getPeerCertificates()[0])).isEqualTo(servedFirst);
        }
    }

    private ConfigurableApplicationContext start() {
        return new SpringApplicationBuilder(GatewayApplication.class).web(WebApplicationType.REACTIVE)
                .profiles("local")
                .properties("server.port=0", "management.server.port=0", "spring.main.banner-mode=off",
                        "spring.data.redis.url=" + redis.get().url(), "bookmarks.registry.key-prefix=tls-it")
                // As the local stack passes it: on the command line, above the profile's files.
                .run("--bookmarks.gateway.data-dir=" + dataDir);
    }

    private static int port(ConfigurableApplicationContext context) {
        return Integer.parseInt(context.getEnvironment().getProperty("local.server.port"));
    }

    private static HttpRequest tokenRequest(int port) {
        return HttpRequest.newBuilder(URI.create("https://localhost:" + port + "/auth/dev-token"))
                .header("Content-Type", "application/json").timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofString("{\"userId\":\"alice\"}")).build();
    }

    /** An HTTP/2-preferring client that trusts only the certificate in {@code pem}. */
    private static HttpClient trusting(Path pem, String onlyProtocol) throws Exception {
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        trust.setCertificateEntry("gateway", read(pem));
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trust);
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(null, factory.getTrustManagers(), null);
        HttpClient.Builder builder = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).sslContext(ssl)
                .connectTimeout(Duration.ofSeconds(5));
        if (onlyProtocol != null) {
            SSLParameters parameters = ssl.getDefaultSSLParameters();
            parameters.setProtocols(new String[] {onlyProtocol});
            builder.sslParameters(parameters);
        }
        return builder.build();
    }

    private static X509Certificate read(Path pem) throws Exception {
        try (InputStream in = Files.newInputStream(pem)) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }

    private static String fingerprint(Certificate certificate) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded()));
    }
}
