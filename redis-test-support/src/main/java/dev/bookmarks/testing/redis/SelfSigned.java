package dev.bookmarks.testing.redis;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A throwaway self-signed certificate for 127.0.0.1 (EC P-256, valid two days), made by the JDK's
 * own {@code keytool} so that no library or {@code openssl} binary is needed, and written as the
 * PEM files redis-server reads.
 */
final class SelfSigned {

    private static final String PASSWORD = "throwaway";
    private static final long KEYTOOL_SECONDS = 120;

    private SelfSigned() {
    }

    /** Writes {@code tls/redis.crt} and {@code tls/redis.key} under {@code dir}, for {@code port}. */
    static RedisProcess.TlsFiles write(Path dir, int port) {
        try {
            Path tls = Files.createDirectories(dir.resolve("tls"));
            Path store = tls.resolve("redis.p12");
            Files.deleteIfExists(store);
            Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
            Process process = new ProcessBuilder(List.of(keytool.toString(), "-genkeypair",
                    "-alias", "redis", "-keyalg", "EC", "-groupname", "secp256r1", "-sigalg", "SHA256withECDSA",
                    "-dname", "CN=127.0.0.1", "-ext", "san=ip:127.0.0.1", "-validity", "2",
                    "-storetype", "PKCS12", "-keystore", store.toString(),
                    "-storepass", PASSWORD, "-keypass", PASSWORD))
                    .redirectErrorStream(true).redirectOutput(Redirect.DISCARD).start();
            if (!process.waitFor(KEYTOOL_SECONDS, TimeUnit.SECONDS) || process.exitValue() != 0) {
                process.destroyForcibly();
                throw new IllegalStateException(keytool + " could not make a certificate for redis-server");
            }
            KeyStore keys = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(store)) {
                keys.load(in, PASSWORD.toCharArray());
            }
            Key key = keys.getKey("redis", PASSWORD.toCharArray());
            Path certificate = tls.resolve("redis.crt");
            Path privateKey = tls.resolve("redis.key");
            Files.writeString(certificate, pem("CERTIFICATE", keys.getCertificate("redis").getEncoded()),
                    StandardCharsets.US_ASCII);
            Files.writeString(privateKey, pem("PRIVATE KEY", key.getEncoded()), StandardCharsets.US_ASCII);
            return new RedisProcess.TlsFiles(port, certificate, privateKey);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make a TLS certificate for redis-server", e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot read the certificate keytool made", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while making a certificate", e);
        }
    }

    private static String pem(String label, byte[] der) {
        return "-----BEGIN " + label + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + label + "-----\n";
    }
}
