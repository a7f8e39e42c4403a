package dev.bookmarks.client;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** SSL contexts that trust given certificates or a given trust store, and nothing else. */
public final class TrustStores {

    private TrustStores() {
    }

    /** Trusts exactly the certificates in a PEM (or DER) file, for example the local stack's gateway.crt. */
    public static SSLContext trustingCertificates(Path certificateFile) {
        try (InputStream in = Files.newInputStream(certificateFile)) {
            KeyStore trusted = KeyStore.getInstance("PKCS12");
            trusted.load(null, null);
            int n = 0;
            for (Certificate certificate : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                trusted.setCertificateEntry("trusted-" + n++, certificate);
            }
            if (n == 0) {
                throw new IllegalArgumentException("no certificate in " + certificateFile);
            }
            return context(trusted);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + certificateFile, e);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot trust " + certificateFile + ": " + e.getMessage(), e);
        }
    }

    /** Trusts the certificates of a trust store file (PKCS12 or JKS, detected by the JDK). */
    public static SSLContext trustingStore(Path trustStore, char[] password) {
        try {
            return context(KeyStore.getInstance(trustStore.toFile(), password));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + trustStore, e);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot load trust store " + trustStore + ": " + e.getMessage(), e);
        }
    }

    private static SSLContext context(KeyStore trusted) throws GeneralSecurityException {
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(trusted);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        return context;
    }
}
