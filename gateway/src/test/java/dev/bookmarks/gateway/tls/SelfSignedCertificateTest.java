package dev.bookmarks.gateway.tls;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SelfSignedCertificateTest {

    @TempDir
    Path dataDir;

    @Test
    void makesTheCertificateOnceAndReusesIt() {
        SelfSignedCertificate first = SelfSignedCertificate.loadOrCreate(dataDir, List.of("gw.local"));
        SelfSignedCertificate again = SelfSignedCertificate.loadOrCreate(dataDir, List.of());

        assertThat(first.created()).isTrue();
        assertThat(again.created()).isFalse();
        assertThat(again.fingerprint()).isEqualTo(first.fingerprint());
        assertThat(again.password()).isEqualTo(first.password()).hasSizeGreaterThanOrEqualTo(40);
        assertThat(first.certificate()).isEqualTo(SelfSignedCertificate.certificatePath(dataDir).toAbsolutePath());
    }

    @Test
    void keepsTheKeyAndItsPasswordFromOtherUsersAndNamesTheLocalAddresses() throws Exception {
        SelfSignedCertificate certificate = SelfSignedCertificate.loadOrCreate(dataDir, List.of("gw.local", "10.1.2.3"));
        Path tls = dataDir.resolve("tls");

        assertThat(Files.getPosixFilePermissions(tls.resolve(SelfSignedCertificate.PASSWORD)))
                .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
        assertThat(Files.getPosixFilePermissions(tls.resolve(SelfSignedCertificate.KEYSTORE)))
                .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
        X509Certificate pem;
        try (InputStream in = Files.newInputStream(certificate.certificate())) {
            pem = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
        assertThat(pem).isEqualTo(certificate.keyStore().getCertificate(SelfSignedCertificate.ALIAS));
        assertThat(pem.getSubjectAlternativeNames()).extracting(name -> name.get(1).toString())
                .contains("localhost", "127.0.0.1", "gw.local", "10.1.2.3");
        assertThat(Files.readString(certificate.certificate())).doesNotContain("PRIVATE KEY");
        try (var files = Files.list(tls)) {
            assertThat(files.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".")))
                    .containsExactlyInAnyOrder(SelfSignedCertificate.KEYSTORE, SelfSignedCertificate.PASSWORD,
                            SelfSignedCertificate.CERTIFICATE);
        }
    }
}
