package dev.bookmarks.gateway;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The proxies whose forwarding headers are believed: IP addresses and CIDR blocks, IPv4 or IPv6.
 * Entries are literals only, so that matching never waits on DNS. An IPv4 address never matches an
 * IPv6 block, and the other way round.
 */
public final class ProxyAllowList {

    /** An IPv4 dotted quad, or text with a colon (which {@link InetAddress} parses as IPv6, never as a name). */
    private static final Pattern LITERAL = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}|[0-9A-Fa-f.]*:[0-9A-Fa-f:.]*");
    private static final ProxyAllowList NOBODY = new ProxyAllowList(List.of());

    private final List<Block> blocks;

    private ProxyAllowList(List<Block> blocks) {
        this.blocks = blocks;
    }

    /** Trusts nobody. */
    public static ProxyAllowList nobody() {
        return NOBODY;
    }

    /**
     * @param entries addresses ({@code 10.0.0.7}, {@code ::1}) or blocks ({@code 10.0.0.0/8}, {@code fd00::/8})
     * @throws IllegalArgumentException naming the first entry that is not one
     */
    public static ProxyAllowList of(List<String> entries) {
        List<Block> blocks = new ArrayList<>(entries.size());
        for (String entry : entries) {
            blocks.add(Block.parse(entry.trim()));
        }
        return blocks.isEmpty() ? NOBODY : new ProxyAllowList(List.copyOf(blocks));
    }

    /** Whether {@code address} is in one of the blocks; null (unknown) is not. */
    public boolean trusts(InetAddress address) {
        if (address == null) {
            return false;
        }
        byte[] bytes = address.getAddress();
        for (Block block : blocks) {
            if (block.contains(bytes)) {
                return true;
            }
        }
        return false;
    }

    public boolean isEmpty() {
        return blocks.isEmpty();
    }

    private record Block(byte[] network, int prefixLength) {

        static Block parse(String entry) {
            int slash = entry.indexOf('/');
            String address = slash < 0 ? entry : entry.substring(0, slash);
            if (!LITERAL.matcher(address).matches()) {
                throw new IllegalArgumentException("bookmarks.gateway.trusted-proxies: not an IP address or CIDR"
                        + " block: " + entry);
            }
            byte[] network;
            try {
                // A literal: no name lookup happens.
                network = InetAddress.getByName(address).getAddress();
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException("bookmarks.gateway.trusted-proxies: not an IP address: " + entry, e);
            }
            int bits = network.length * 8;
            int prefix = bits;
            if (slash >= 0) {
                try {
                    prefix = Integer.parseInt(entry.substring(slash + 1));
                } catch (NumberFormatException e) {
                    prefix = -1;
                }
                if (prefix < 0 || prefix > bits) {
                    throw new IllegalArgumentException("bookmarks.gateway.trusted-proxies: prefix length must be in"
                            + " [0, " + bits + "]: " + entry);
                }
            }
            return new Block(network, prefix);
        }

        boolean contains(byte[] address) {
            if (address.length != network.length) {
                return false;
            }
            int whole = prefixLength / 8;
            for (int i = 0; i < whole; i++) {
                if (address[i] != network[i]) {
                    return false;
                }
            }
            int rest = prefixLength % 8;
            if (rest == 0) {
                return true;
            }
            int mask = (0xFF << (8 - rest)) & 0xFF;
            return (address[whole] & mask) == (network[whole] & mask);
        }
    }
}
