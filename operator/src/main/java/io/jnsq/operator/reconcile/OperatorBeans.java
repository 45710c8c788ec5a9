package io.jnsq.operator.reconcile;

import io.jnsq.operator.drain.BrokerEndpoints;
import io.quarkus.arc.DefaultBean;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Clock;

/** The operator's collaborators that tests may replace: how brokers are reached, and the clock. */
public class OperatorBeans {

    @Produces
    @DefaultBean
    @Singleton
    BrokerEndpoints brokerEndpoints() {
        return BrokerEndpoints.DNS;
    }

    @Produces
    @DefaultBean
    @Singleton
    Clock clock() {
        return Clock.systemUTC();
    }
}
