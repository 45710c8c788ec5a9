package io.jnsq.broker;

import java.util.Set;
import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * One Vert.x event loop per CPU the JVM may use (its container's share), where Vert.x would start two: the broker's
 * loops never block, so a second one per CPU only adds threads that take turns on the same CPU, and every hand-over
 * between them is a wake-up. A default only: {@code quarkus.vertx.event-loops-pool-size} in the configuration (or
 * {@code -D} in {@code JAVA_OPTS}) wins.
 */
public final class EventLoops implements ConfigSource {

    static final String PROPERTY = "quarkus.vertx.event-loops-pool-size";

    /** The number of event loops the broker runs with (the configured one when set). */
    static int count() {
        return org.eclipse.microprofile.config.ConfigProvider.getConfig().getOptionalValue(PROPERTY, Integer.class)
                .orElseGet(EventLoops::perCpu);
    }

    private static int perCpu() {
        return Math.max(1, Runtime.getRuntime().availableProcessors());
    }

    @Override
    public Set<String> getPropertyNames() {
        return Set.of(PROPERTY);
    }

    @Override
    public String getValue(String propertyName) {
        return PROPERTY.equals(propertyName) ? Integer.toString(perCpu()) : null;
    }

    @Override
    public String getName() {
        return "jnsq-event-loops";
    }

    @Override
    public int getOrdinal() {
        return 50; // below application.properties (250), system properties (400) and the environment (300)
    }
}
