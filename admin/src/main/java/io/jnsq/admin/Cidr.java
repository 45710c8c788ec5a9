package io.jnsq.admin;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;

/** An IP network such as {@code 127.0.0.1/8}, for {@code --allow-config-from-cidr}. */
record Cidr(byte[] network, int bits) {

    static Cidr parse(String text) {
        int slash = text.indexOf('/');
        try {
            if (slash < 0) {
                throw new IllegalArgumentException();
            }
            byte[] addr = InetAddress.getByName(text.substring(0, slash)).getAddress();
            int bits = Integer.parseInt(text.substring(slash + 1));
            if (bits < 0 || bits > addr.length * 8) {
                throw new IllegalArgumentException();
            }
            return new Cidr(addr, bits);
        } catch (UnknownHostException | IllegalArgumentException e) {
            throw new IllegalArgumentException("--allow-config-from-cidr: invalid CIDR address " + text);
        }
    }

    boolean contains(String ip) {
        try {
            byte[] addr = InetAddress.getByName(ip).getAddress();
            if (addr.length != network.length) {
                return false;
            }
            int shift = addr.length * 8 - bits;
            return new BigInteger(1, addr).shiftRight(shift).equals(new BigInteger(1, network).shiftRight(shift));
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
