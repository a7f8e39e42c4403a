package dev.bookmarks.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The endpoint order, without a network: what {@code ports} adds and what stays as it was without it. */
class FailoverTransportTest {

    private static List<InetAddress> addresses(String... literals) throws UnknownHostException {
        List<InetAddress> all = new ArrayList<>();
        for (String literal : literals) {
            all.add(InetAddress.getByName(literal));
        }
        return all;
    }

    private static FailoverTransport transport(String base, List<InetAddress> addresses, long seed,
            List<Integer> ports) {
        FailoverTransport.Settings settings = new FailoverTransport.Settings(URI.create(base), Duration.ofSeconds(1),
                3, new Random(seed), Clock.systemUTC(), d -> { }, host -> addresses, Duration.ofSeconds(5), ports);
        // order() sends nothing, so the HTTP client, retry policy and problem decoder are not needed.
        return new FailoverTransport(settings, null, null, null);
    }

    @Test
    void withoutPortsEveryEndpointIsAtTheBaseUrisPortOrTheSchemesDefault() throws Exception {
        List<InetAddress> two = addresses("127.0.0.1", "127.0.0.2");
        assertThat(transport("https://x:8443", two, 1, List.of()).order())
                .extracting(FailoverTransport.Endpoint::port).containsOnly(8443).hasSize(2);
        assertThat(transport("https://x", two, 1, List.of()).order())
                .extracting(FailoverTransport.Endpoint::port).containsOnly(443).hasSize(2);
        assertThat(transport("http://x", two, 1, List.of()).order())
                .extracting(FailoverTransport.Endpoint::port).containsOnly(80).hasSize(2);
    }

    @Test
    void withoutPortsTheOrderIsTheShuffledAddressOrderOfBefore() throws Exception {
        List<InetAddress> three = addresses("127.0.0.1", "127.0.0.2", "127.0.0.3");
        for (long seed = 0; seed < 20; seed++) {
            List<InetAddress> before = new ArrayList<>(three);
            Collections.shuffle(before, new Random(seed));
            assertThat(transport("http://x:8070", three, seed, List.of()).order())
                    .extracting(FailoverTransport.Endpoint::address).as("seed %d", seed).isEqualTo(before);
        }
    }

    @Test
    void everyAddressAtEveryPortIsOneEndpointAndThePortsReplaceTheBaseUrisPort() throws Exception {
        List<FailoverTransport.Endpoint> order = transport("https://x:9000", addresses("127.0.0.1", "127.0.0.2"), 4,
                List.of(8443, 8444, 8445)).order();
        assertThat(order).hasSize(6).doesNotHaveDuplicates();
        assertThat(order).extracting(FailoverTransport.Endpoint::toString).containsExactlyInAnyOrder(
                "127.0.0.1:8443", "127.0.0.1:8444", "127.0.0.1:8445",
                "127.0.0.2:8443", "127.0.0.2:8444", "127.0.0.2:8445");
    }

    @Test
    void theOrderOfEndpointsIsShuffledPerCall() throws Exception {
        FailoverTransport transport = transport("https://127.0.0.1:8443", addresses("127.0.0.1"), 8,
                List.of(8443, 8444, 8445));
        List<Integer> firsts = new ArrayList<>();
        for (int call = 0; call < 30; call++) {
            firsts.add(transport.order().get(0).port());
        }
        assertThat(firsts).contains(8443, 8444, 8445);
    }

    @Test
    void anIpv6EndpointIsWrittenInBrackets() throws Exception {
        assertThat(new FailoverTransport.Endpoint(InetAddress.getByName("::1"), 8444))
                .hasToString("[0:0:0:0:0:0:0:1]:8444");
        assertThat(new FailoverTransport.Endpoint(InetAddress.getByName("10.0.0.12"), 8443))
                .hasToString("10.0.0.12:8443");
    }
}
