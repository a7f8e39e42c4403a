package dev.bookmarks.client;

import java.security.KeyManagementException;
import java.security.SecureRandom;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLContextSpi;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;

/**
 * An {@link SSLContext} that creates every client {@link SSLEngine} for one fixed peer host name, whatever
 * host the caller asks for.
 *
 * <p>{@link java.net.http.HttpClient} has no hook to connect a host name to an address of our choosing, so
 * {@link BookmarksClient} sends each request to an IP literal ({@code https://127.0.0.12:8443/...}). The
 * client then asks its SSL context for an engine for {@code "127.0.0.12"}; this context hands out one for
 * the service's real name instead. The JDK derives the SNI extension from that name (when it is a
 * dotted DNS name) and its trust manager checks the certificate against the SNI name and the engine's peer
 * host (endpoint identification {@code HTTPS}, which HttpClient always sets): so the certificate must be
 * valid for the service's name, exactly as if HttpClient had resolved the name itself.
 *
 * <p>Only engines are created by HttpClient; socket factories are delegated unchanged.
 */
final class HostPinningSslContext extends SSLContext {

    HostPinningSslContext(SSLContext delegate, String peerHost) {
        super(new Spi(delegate, peerHost), delegate.getProvider(), delegate.getProtocol());
    }

    private static final class Spi extends SSLContextSpi {

        private final SSLContext delegate;
        private final String peerHost;

        Spi(SSLContext delegate, String peerHost) {
            this.delegate = delegate;
            this.peerHost = peerHost;
        }

        @Override
        protected void engineInit(KeyManager[] km, TrustManager[] tm, SecureRandom sr) throws KeyManagementException {
            delegate.init(km, tm, sr);
        }

        @Override
        protected SSLSocketFactory engineGetSocketFactory() {
            return delegate.getSocketFactory();
        }

        @Override
        protected SSLServerSocketFactory engineGetServerSocketFactory() {
            return delegate.getServerSocketFactory();
        }

        @Override
        protected SSLEngine engineCreateSSLEngine() {
            return delegate.createSSLEngine();
        }

        @Override
        protected SSLEngine engineCreateSSLEngine(String host, int port) {
            return delegate.createSSLEngine(peerHost, port);
        }

        @Override
        protected SSLSessionContext engineGetServerSessionContext() {
            return delegate.getServerSessionContext();
        }

        @Override
        protected SSLSessionContext engineGetClientSessionContext() {
            return delegate.getClientSessionContext();
        }

        @Override
        protected SSLParameters engineGetDefaultSSLParameters() {
            return delegate.getDefaultSSLParameters();
        }

        @Override
        protected SSLParameters engineGetSupportedSSLParameters() {
            return delegate.getSupportedSSLParameters();
        }
    }
}
