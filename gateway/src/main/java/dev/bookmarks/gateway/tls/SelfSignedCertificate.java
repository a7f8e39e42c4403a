package dev.bookmarks.gateway.tls;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A development certificate for the local profile: a self-signed EC P-256 key and certificate,
 * made once by the JDK's own {@code keytool} and kept in {@code <data-dir>/tls/}:
 *
 * <ul>
 *   <li>{@value #KEYSTORE}: PKCS12 keystore, key alias {@value #ALIAS};
 *   <li>{@value #PASSWORD}: its password, 32 random bytes in Base64, readable by the owner only;
 *   <li>{@value #CERTIFICATE}: the certificate alone, PEM, for a client to trust
 *       ({@link #certificatePath(Path)}).
 * </ul>
 *
 * Later starts with the same data directory reuse it, so clients that trust it keep trusting it.
 * Creation holds a file lock, so gateways that share a data directory make one certificate between
 * them. Its subject alternative names are {@code localhost}, {@code 127.0.0.1}, {@code ::1} and any
 * extra host names given. Nothing here is used outside the local profile: production supplies its
 * own certificate as an SSL bundle.
 */
public final class SelfSignedCertificate {

    public static final String ALIAS = "gateway";
    public static final String KEYSTORE = "gateway.p12";
    public static final String PASSWORD = "gateway.p12.password";
    public static final String CERTIFICATE = "gateway.crt";

    static final int VALIDITY_DAYS = 825;

    private final KeyStore keyStore;
    private final String password;
    private final Path certificate;
    private final boolean created;

    private SelfSignedCertificate(KeyStore keyStore, String password, Path certificate, boolean created) {
        this.keyStore = keyStore;
        this.password = password;
        this.certificate = certificate;
        this.created = created;
    }

    /** Where the certificate (PEM) of the gateway whose data directory is {@code dataDir} is. */
    public static Path certificatePath(Path dataDir) {
        return tlsDir(dataDir).resolve(CERTIFICATE);
    }

    /**
     * The certificate in {@code dataDir}, made first if there is none.
     *
     * @param extraHosts host names or IP addresses to add to the subject alternative names when it is made
     */
    public static SelfSignedCertificate loadOrCreate(Path dataDir, List<String> extraHosts) {
        Path dir = tlsDir(dataDir);
        try {
            Files.createDirectories(dir);
            try (FileChannel lockFile = FileChannel.open(dir.resolve(".lock"), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE); FileLock lock = lockFile.lock()) {
                Path keystore = dir.resolve(KEYSTORE);
                Path passwordFile = dir.resolve(PASSWORD);
                boolean created = false;
                if (!Files.isRegularFile(keystore) || !Files.isRegularFile(passwordFile)) {
                    create(dir, extraHosts);
                    created = true;
                }
                String password = Files.readString(passwordFile, StandardCharsets.US_ASCII).trim();
                KeyStore store = KeyStore.getInstance("PKCS12");
                try (InputStream in = Files.newInputStream(keystore)) {
                    store.load(in, password.toCharArray());
                }
                if (!store.isKeyEntry(ALIAS)) {
                    throw new IllegalStateException(keystore + " has no key " + ALIAS
                            + "; delete " + dir + " to make a new development certificate");
                }
                Path pem = dir.resolve(CERTIFICATE);
                writeAtomically(pem, pem((X509Certificate) store.getCertificate(ALIAS)).getBytes(StandardCharsets.US_ASCII),
                        false);
                return new SelfSignedCertificate(store, password, pem, created);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make or read the development certificate in " + dir, e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot read the development certificate in " + dir
                    + "; delete that directory to make a new one", e);
        }
    }

    public KeyStore keyStore() {
        return keyStore;
    }

    public String password() {
        return password;
    }

    /** The PEM certificate a client trusts. */
    public Path certificate() {
        return certificate;
    }

    /** Whether this start made it (false: an earlier one did). */
    public boolean created() {
        return created;
    }

    /** The SHA-256 fingerprint of the certificate, hex with colons, as {@code keytool} and browsers show it. */
    public String fingerprint() {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(keyStore.getCertificate(ALIAS).getEncoded());
            return HexFormat.ofDelimiter(":").withUpperCase().formatHex(digest);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Path tlsDir(Path dataDir) {
        return dataDir.toAbsolutePath().normalize().resolve("tls");
    }

    /** Runs keytool into a scratch directory, then moves the password and, last, the keystore in place. */
    private static void create(Path dir, List<String> extraHosts) throws IOException {
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        String password = Base64.getEncoder().withoutPadding().encodeToString(secret);
        Path scratch = Files.createTempDirectory(dir, "new-");
        try {
            Path keystore = scratch.resolve(KEYSTORE);
            List<String> san = new ArrayList<>(List.of("dns:localhost", "ip:127.0.0.1", "ip:0:0:0:0:0:0:0:1"));
            for (String host : extraHosts) {
                san.add((host.matches("[0-9.]+") || host.contains(":") ? "ip:" : "dns:") + host);
            }
            Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
            List<String> command = List.of(keytool.toString(), "-genkeypair", "-noprompt",
                    "-alias", ALIAS, "-keyalg", "EC", "-groupname", "secp256r1", "-sigalg", "SHA256withECDSA",
                    "-dname", "CN=localhost, OU=bookmarks gateway (development)",
                    "-ext", "SAN=" + String.join(",", san),
                    "-validity", Integer.toString(VALIDITY_DAYS),
                    "-storetype", "PKCS12", "-keystore", keystore.toString(),
                    "-storepass:env", "GATEWAY_KEYSTORE_PASSWORD");
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
            builder.environment().put("GATEWAY_KEYSTORE_PASSWORD", password);
            Process process = builder.start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0 || !Files.isRegularFile(keystore)) {
                process.destroyForcibly();
                throw new IOException("keytool failed to make a development certificate: " + output.trim());
            }
            writeAtomically(dir.resolve(PASSWORD), password.getBytes(StandardCharsets.US_ASCII), true);
            ownerOnly(keystore);
            Files.move(keystore, dir.resolve(KEYSTORE), StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while making a development certificate", e);
        } finally {
            try (var files = Files.list(scratch)) {
                for (Path file : files.toList()) {
                    Files.deleteIfExists(file);
                }
            }
            Files.deleteIfExists(scratch);
        }
    }

    private static void writeAtomically(Path target, byte[] content, boolean secret) throws IOException {
        Path temp = Files.createTempFile(target.getParent(), target.getFileName().toString(), ".tmp");
        try {
            if (secret) {
                ownerOnly(temp);
            }
            Files.write(temp, content);
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    private static void ownerOnly(Path file) throws IOException {
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
            // Not a POSIX file system (Windows): the data directory's own permissions apply.
        }
    }

    private static String pem(X509Certificate certificate) throws GeneralSecurityException {
        return "-----BEGIN CERTIFICATE-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(certificate.getEncoded())
                + "\n-----END CERTIFICATE-----\n";
    }
}
