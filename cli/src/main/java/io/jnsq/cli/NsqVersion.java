package io.jnsq.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The version every binary reports. {@link #NSQ} is the NSQ release whose protocol we speak (clients and nsqadmin
 * compare against it); {@link #JNSQ} is our own build version.
 */
public final class NsqVersion implements IVersionProvider {

    public static final String NSQ = "1.3.0";
    public static final String JNSQ = loadJnsqVersion();

    @Spec
    CommandSpec spec;

    @Override
    public String[] getVersion() {
        return new String[] {line(spec.name())};
    }

    /** {@code nsqd v1.3.0 (built w/jnsq 0.1.0)}, the shape of NSQ's own version line. */
    public static String line(String binary) {
        return binary + " v" + NSQ + " (built w/jnsq " + JNSQ + ")";
    }

    private static String loadJnsqVersion() {
        try (InputStream in = NsqVersion.class.getResourceAsStream("/jnsq-version.properties")) {
            if (in == null) {
                return "dev";
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version", "dev");
        } catch (IOException e) {
            return "dev";
        }
    }
}
