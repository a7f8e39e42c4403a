package dev.bookmarks.client;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/** Self-signed test certificates made with the JDK's keytool. */
final class TestCerts {

    /** A server identity: its SSL context and its certificate as a PEM file. */
    record Identity(SSLContext serverContext, Path certificatePem) {
    }

    private TestCerts() {
    }

    static Identity create(Path dir, String name, String subjectAltNames) throws Exception {
        Path store = dir.resolve(name + ".p12");
        Path pem = dir.resolve(name + ".crt");
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        run(List.of(keytool, "-genkeypair", "-alias", "gw", "-keyalg", "EC", "-groupname", "secp256r1",
                "-validity", "30", "-dname", "CN=" + name, "-ext", "SAN=" + subjectAltNames, "-keystore",
                store.toString(), "-storetype", "PKCS12", "-storepass", "changeit", "-keypass", "changeit"));
        run(List.of(keytool, "-exportcert", "-rfc", "-alias", "gw", "-keystore", store.toString(), "-storepass",
                "changeit", "-file", pem.toString()));
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            keys.load(in, "changeit".toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, "changeit".toCharArray());
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf.getKeyManagers(), null, null);
        return new Identity(context, pem);
    }

    private static void run(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IOException("keytool failed: " + output);
        }
    }
}
