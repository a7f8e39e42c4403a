package dev.bookmarks.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProxyAllowListTest {

    @Test
    void trustsAddressesInsideItsBlocksOnly() throws UnknownHostException {
        ProxyAllowList list = ProxyAllowList.of(List.of("10.0.0.0/8", "192.168.1.7", "172.16.0.0/12", "fd00::/8"));

        assertThat(list.trusts(ip("10.255.0.1"))).isTrue();
        assertThat(list.trusts(ip("192.168.1.7"))).isTrue();
        assertThat(list.trusts(ip("192.168.1.8"))).isFalse();
        assertThat(list.trusts(ip("172.31.255.255"))).isTrue();
        assertThat(list.trusts(ip("172.32.0.0"))).isFalse();
        assertThat(list.trusts(ip("fd12::1"))).isTrue();
        assertThat(list.trusts(ip("fe80::1"))).isFalse();
        assertThat(list.trusts(ip("11.0.0.1"))).isFalse();
        assertThat(list.trusts(null)).isFalse();
    }

    @Test
    void trustsNobodyWhenEmpty() throws UnknownHostException {
        assertThat(ProxyAllowList.of(List.of()).trusts(ip("127.0.0.1"))).isFalse();
        assertThat(ProxyAllowList.nobody().isEmpty()).isTrue();
    }

    @Test
    void refusesHostNamesAndBadPrefixesByName() {
        assertThatThrownBy(() -> ProxyAllowList.of(List.of("proxy.internal")))
                .hasMessageContaining("proxy.internal").hasMessageContaining("trusted-proxies");
        assertThatThrownBy(() -> ProxyAllowList.of(List.of("10.0.0.0/33"))).hasMessageContaining("[0, 32]");
        assertThatThrownBy(() -> ProxyAllowList.of(List.of("10.0.0.0/x"))).hasMessageContaining("10.0.0.0/x");
    }

    private static InetAddress ip(String literal) throws UnknownHostException {
        return InetAddress.getByName(literal);
    }
}
