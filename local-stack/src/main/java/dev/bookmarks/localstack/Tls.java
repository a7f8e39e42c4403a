package dev.bookmarks.localstack;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/** Whether a gateway speaks TLS, and trust for the self-signed certificate it keeps in its data directory. */
public final class Tls {

    private Tls() {
    }

    /**
     * Whether a TLS handshake with {@code address}:{@code port} completes. It only tells the scheme apart, so it
     * accepts any certificate and sends nothing after the handshake.
     */
    static boolean speaksTls(String address, int port) {
        try (Socket plain = new Socket()) {
            plain.connect(new InetSocketAddress(address, port), 2000);
            plain.setSoTimeout(3000);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {new AnyCertificate()}, null);
            try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(plain, address, port, false)) {
                socket.startHandshake();
                return true;
            }
        } catch (IOException | GeneralSecurityException e) {
            return false;
        }
    }

    /**
     * Where a gateway with data directory {@code dataDir} keeps the self-signed certificate its local profile
     * makes (PEM): {@code tls/gateway.crt}, as the gateway's {@code TlsProperties.certificatePath} says.
     */
    public static Path gatewayCertificate(Path dataDir) {
        return dataDir.resolve("tls").resolve("gateway.crt");
    }

    /** An SSL context that trusts exactly the certificates in these PEM (or DER) files. */
    public static SSLContext trusting(List<Path> certificateFiles) {
        try {
            KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
            trusted.load(null, null);
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            int n = 0;
            for (Path file : certificateFiles) {
                try (InputStream in = Files.newInputStream(file)) {
                    for (Certificate certificate : factory.generateCertificates(in)) {
                        trusted.setCertificateEntry("trusted-" + n++, certificate);
                    }
                }
            }
            if (n == 0) {
                throw new IllegalStateException("no certificate in " + certificateFiles);
            }
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(trusted);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + certificateFiles, e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot trust " + certificateFiles + ": " + e, e);
        }
    }

    /** Accepts any certificate: only for telling TLS from plain HTTP on loopback. */
    private static final class AnyCertificate implements X509TrustManager {

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
