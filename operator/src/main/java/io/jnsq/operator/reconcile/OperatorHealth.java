package io.jnsq.operator.reconcile;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** /q/health/ready: the controller started and its informers are connected to the API server. */
@Readiness
@ApplicationScoped
public class OperatorHealth implements HealthCheck {

    private final OperatorLifecycle operator;

    OperatorHealth(OperatorLifecycle operator) {
        this.operator = operator;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("nsqcluster-controller").status(operator.healthy()).build();
    }
}
