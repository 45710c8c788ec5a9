package io.jnsq.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.javaoperatorsdk.operator.api.config.InformerStoppedHandler;
import java.lang.reflect.Proxy;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** An informer that stops on an error ends the process, unless the operator is stopping anyway. */
class InformerStoppedTest {

    private final AtomicBoolean stopping = new AtomicBoolean();
    private final AtomicInteger exits = new AtomicInteger();
    private final InformerStoppedHandler handler = OperatorLifecycle.informerStopped(stopping::get, exits::incrementAndGet);

    @Test
    void aSyncedInformerThatFailsEndsTheProcess() {
        handler.onStop(informer(true), new IllegalStateException("watch failed"));
        assertThat(exits).hasValue(1);
    }

    @Test
    void notWhileTheOperatorStops() {
        stopping.set(true);
        handler.onStop(informer(true), new IllegalStateException("Client is closed"));
        assertThat(exits).hasValue(0);
    }

    @Test
    void notForAnInformerStoppedWithoutErrorOrNeverSynced() {
        handler.onStop(informer(true), null);
        handler.onStop(informer(false), new IllegalStateException("forbidden"));
        assertThat(exits).hasValue(0);
    }

    @SuppressWarnings("unchecked")
    private static SharedIndexInformer<?> informer(boolean synced) {
        return (SharedIndexInformer<?>) Proxy.newProxyInstance(InformerStoppedTest.class.getClassLoader(),
                new Class<?>[] {SharedIndexInformer.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "hasSynced" -> synced;
                    case "toString" -> "informer";
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }
}
