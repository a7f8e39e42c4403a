package dev.bookmarks.client;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/**
 * Turns the service's host name into every address it has (DNS multi-A). The default is
 * {@link InetAddress#getAllByName(String)}, called before every call, so the JVM's own DNS cache
 * ({@code networkaddress.cache.ttl}, 30 s by default) is the only caching; {@code -Djdk.net.hosts.file}
 * works too because it replaces the JVM's name service.
 */
@FunctionalInterface
public interface AddressResolver {

    AddressResolver SYSTEM = host -> List.of(InetAddress.getAllByName(host));

    /** Every address of {@code host}, never empty. */
    List<InetAddress> resolve(String host) throws UnknownHostException;
}
