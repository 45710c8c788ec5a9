package io.jnsq.operator.reconcile;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.Workflow;
import io.javaoperatorsdk.operator.api.reconciler.dependent.Dependent;
import io.javaoperatorsdk.operator.processing.dependent.workflow.WorkflowReconcileResult;
import io.jnsq.operator.NsqCluster;
import io.jnsq.operator.NsqClusterSpec;
import io.jnsq.operator.NsqClusterStatus;
import io.jnsq.operator.drain.BrokerEndpoints;
import io.jnsq.operator.drain.BrokerChecks;
import io.jnsq.operator.drain.LookupdRegistration;
import io.jnsq.operator.drain.NsqdDrain;
import io.jnsq.operator.drain.ScaleDown;
import io.jnsq.operator.drain.ScaleDown.Notice;
import io.jnsq.operator.model.ClusterNames;
import io.jnsq.operator.model.ComponentFlags;
import io.jnsq.operator.model.Conditions;
import io.jnsq.operator.model.GeneratedTls;
import io.jnsq.operator.model.TlsSecrets;
import io.jnsq.operator.reconcile.NsqdStatefulSetDependent.NsqdPlan;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Runs an NsqCluster, as a checklist: honour a pause; refuse an invalid spec; plan storage growth and the nsqd
 * scale-down (drain first); apply every owned object through the workflow below (server-side apply, one informer a
 * dependent); report conditions, counts and endpoints in the status, written only when it changed; tell the user
 * about each decision with an Event.
 *
 * <p>A new owned object is one more {@link Dependent} here and one {@link OwnedDependent} subclass (with a model
 * class that builds it). One that only some clusters have takes a condition: {@code reconcilePrecondition} deletes it
 * when false (as {@link AdminEnabled} does), {@code activationCondition} leaves it alone and does not even watch its
 * kind when false (for kinds whose CRD may not be installed).
 */
@ControllerConfiguration(name = "nsqcluster", fieldManager = ClusterNames.FIELD_MANAGER,
        // annotation changes (pause) do not bump the generation: SpecOrPauseChanged decides instead
        generationAwareEventProcessing = false,
        informer = @Informer(onUpdateFilter = SpecOrPauseChanged.class))
@Workflow(explicitInvocation = true, dependents = {
        @Dependent(name = "flags", type = FlagsConfigMapDependent.class),
        @Dependent(name = "lookupd-headless", type = LookupdHeadlessServiceDependent.class),
        @Dependent(name = "lookupd-service", type = LookupdServiceDependent.class),
        @Dependent(name = "nsqd-headless", type = NsqdHeadlessServiceDependent.class),
        @Dependent(name = "lookupd", type = LookupdStatefulSetDependent.class, dependsOn = {"flags", "lookupd-headless"},
                readyPostcondition = StatefulSetReady.class),
        @Dependent(name = "nsqd", type = NsqdStatefulSetDependent.class, dependsOn = {"flags", "nsqd-headless"},
                readyPostcondition = StatefulSetReady.class),
        @Dependent(name = "admin", type = AdminDeploymentDependent.class, dependsOn = "flags",
                reconcilePrecondition = AdminEnabled.class, readyPostcondition = DeploymentReady.class),
        @Dependent(name = "admin-service", type = AdminServiceDependent.class, reconcilePrecondition = AdminEnabled.class),
        @Dependent(name = "lookupd-budget", type = LookupdBudgetDependent.class),
        @Dependent(name = "nsqd-budget", type = NsqdBudgetDependent.class),
        @Dependent(name = "service-monitor", type = ServiceMonitorDependent.class,
                activationCondition = PrometheusOperatorInstalled.class, reconcilePrecondition = ServiceMonitorWanted.class),
        @Dependent(name = "prometheus-rule", type = PrometheusRuleDependent.class,
                activationCondition = PrometheusOperatorInstalled.class, reconcilePrecondition = PrometheusRuleWanted.class),
        @Dependent(name = "nsqd-network-policy", type = NsqdNetworkPolicyDependent.class,
                reconcilePrecondition = NetworkPoliciesEnabled.class),
        @Dependent(name = "lookupd-network-policy", type = LookupdNetworkPolicyDependent.class,
                reconcilePrecondition = NetworkPoliciesEnabled.class),
        @Dependent(name = "admin-network-policy", type = AdminNetworkPolicyDependent.class,
                reconcilePrecondition = NetworkPoliciesEnabled.ForAdmin.class),
        // spec.tls.generate; no dependsOn: a precondition that fails deletes what depends on it. The pod templates
        // take the certificate's hash from the Secret as stored, so the brokers roll only once the new one is there.
        @Dependent(name = "ca-key-secret", type = CaKeySecretDependent.class, reconcilePrecondition = TlsGenerated.class),
        @Dependent(name = "ca-secret", type = CaSecretDependent.class, reconcilePrecondition = TlsGenerated.class),
        @Dependent(name = "tls-secret", type = TlsSecretDependent.class, reconcilePrecondition = TlsGenerated.class),
        @Dependent(name = "certificate", type = CertificateDependent.class,
                activationCondition = CertManagerInstalled.class, reconcilePrecondition = CertManagerWanted.class),
        @Dependent(name = "authd", type = AuthdDeploymentDependent.class, dependsOn = "flags", reconcilePrecondition = AuthServerWanted.class),
        @Dependent(name = "authd-service", type = AuthdServiceDependent.class, reconcilePrecondition = AuthServerWanted.class),
        @Dependent(name = "authd-network-policy", type = AuthdNetworkPolicyDependent.class,
                reconcilePrecondition = NetworkPoliciesEnabled.ForAuthd.class),
})
public class NsqClusterReconciler implements Reconciler<NsqCluster> {

    /** How soon a pass that rewrote the server certificate's Secret looks again (to roll the pods onto it). */
    private static final Duration RECHECK_CERTIFICATES = Duration.ofSeconds(1);
    /** How soon a pass that found a sign-in Secret of nsqadmin missing looks again (an unlabelled one sends no event). */
    private static final Duration RECHECK_SECRETS = Duration.ofSeconds(10);

    private final BrokerEndpoints endpoints;
    private final NsqdDrain drain;
    private final BrokerChecks<NsqdDrain.Progress> checks = new BrokerChecks<>();
    private final BrokerChecks<Boolean> registrations = new BrokerChecks<>();
    private final LookupdRegistration registration = new LookupdRegistration();
    private final StorageGrowth storage;
    private final ClusterEvents events;
    private final Clock clock;
    private final OperatorMetrics metrics;
    private final OperatorNamespace operatorNamespace;

    public NsqClusterReconciler(BrokerEndpoints endpoints, NsqdDrain drain, StorageGrowth storage, ClusterEvents events, Clock clock,
            OperatorMetrics metrics, String operatorNamespace) {
        this.operatorNamespace = new OperatorNamespace(operatorNamespace);
        this.endpoints = endpoints;
        this.drain = drain;
        this.storage = storage;
        this.events = events;
        this.clock = clock;
        this.metrics = metrics;
    }

    /**
     * Beside the dependents' informers: Secrets labelled {@value TlsSecrets#CLUSTER_LABEL}={@code <cluster>}, the one
     * cert-manager writes for spec.tls.certManager (labelled through the Certificate's secretTemplate) or a user's own
     * (spec.tls.secretName) that is labelled so; a change of its content rolls the brokers.
     */
    @Override
    public List<EventSource<?, NsqCluster>> prepareEventSources(EventSourceContext<NsqCluster> context) {
        return List.of(new InformerEventSource<>(InformerEventSourceConfiguration.from(Secret.class, NsqCluster.class)
                .withName("tls-secrets").withLabelSelector(TlsSecrets.CLUSTER_LABEL)
                .withSecondaryToPrimaryMapper(s -> Set.of(new ResourceID(s.getMetadata().getLabels().get(TlsSecrets.CLUSTER_LABEL),
                        s.getMetadata().getNamespace())))
                .build(), context));
    }

    public static boolean isPaused(NsqCluster cluster) {
        return cluster.getMetadata().getAnnotations() != null
                && "true".equalsIgnoreCase(cluster.getMetadata().getAnnotations().get(ClusterNames.PAUSE_ANNOTATION));
    }

    @Override
    public UpdateControl<NsqCluster> reconcile(NsqCluster cluster, Context<NsqCluster> context) {
        Instant now = clock.instant();
        NsqClusterStatus before = cluster.getStatus() == null ? new NsqClusterStatus() : cluster.getStatus();
        Pass pass = new Pass(cluster, context, StatusReport.startingFrom(before, cluster, now));

        if (isPaused(cluster)) {
            if (!Conditions.isTrue(before.conditions, Conditions.PAUSED)) {
                pass.notices.add(new Notice(false, "Paused", "reconciliation paused by annotation " + ClusterNames.PAUSE_ANNOTATION));
            }
            pass.status.paused(true);
            metrics.reconciled("paused");
            return pass.finish(Optional.empty());
        }
        if (Conditions.isTrue(before.conditions, Conditions.PAUSED)) {
            pass.notices.add(new Notice(false, "Resumed", "annotation " + ClusterNames.PAUSE_ANNOTATION + " removed: reconciling again"));
        }
        pass.status.paused(false);

        Optional<String> invalid = ComponentFlags.problem(cluster.getSpec());
        if (invalid.isPresent()) {
            if (!invalid.get().equals(Conditions.find(before.conditions, Conditions.WARNING).map(c -> c.getMessage()).orElse(null))) {
                pass.notices.add(new Notice(true, "InvalidSpec", invalid.get()));
            }
            pass.status.invalid(invalid.get());
            metrics.reconciled("invalid");
            return pass.finish(Optional.empty());
        }

        ClusterNames names = new ClusterNames(cluster);
        StatefulSet nsqd = pass.statefulSet(names.of(ClusterNames.NSQD));
        StatefulSet lookupd = pass.statefulSet(names.of(ClusterNames.LOOKUPD));
        if (nsqd == null && lookupd == null) {
            pass.notices.add(new Notice(false, "Creating", "creating nsqlookupd x" + cluster.getSpec().lookupd.replicas
                    + ", nsqd x" + cluster.getSpec().nsqd.replicas + (cluster.getSpec().admin.enabled ? ", nsqadmin" : "")));
        }

        StorageGrowth.Outcome volumes = storage.plan(cluster, nsqd);
        volumes.notice().ifPresent(pass.notices::add);
        if (volumes.refused().isPresent() && !volumes.refused().get().equals(pass.status.warningMessage(before))) {
            pass.notices.add(new Notice(true, "StorageChangeRefused", volumes.refused().get()));
        }

        Integer current = nsqd == null || volumes.recreating() ? null : nsqd.getSpec().getReplicas();
        ScaleDown.Decision scale = scaleDown(cluster, names, current, before.drain, now);
        scale.notice().ifPresent(pass.notices::add);

        List<Notice> certificates = new ArrayList<>();
        TlsPlan tls = tls(pass, names, nsqd, now, certificates);
        noticeChanges(pass, cluster, lookupd, nsqd, scale, tls.certificateHash());
        AdminSecrets adminSecrets = AdminSecrets.of(cluster, pass::secret,
                name -> context.getClient().secrets().inNamespace(names.namespace()).withName(name).get());
        if (adminSecrets.missing().isPresent() && !adminSecrets.missing().get().equals(pass.status.warningMessage(before))) {
            pass.notices.add(new Notice(true, AdminSecrets.REASON, adminSecrets.missing().get()));
        }

        RollingRestart.Decision roll = RollingRestart.decide(nsqd,
                ComponentFlags.configHash(cluster.getSpec(), names, ClusterNames.NSQD, tls.certificateHash()),
                scale.replicas(), names, ordinal -> registrations.latest(names.namespace() + "/" + names.podName(ClusterNames.NSQD, ordinal),
                        () -> registration.everywhere(names.podHost(ClusterNames.NSQD, ordinal),
                                endpoints.lookupdHttp(names, cluster.getSpec().lookupd.replicas))));
        roll.notice().ifPresent(pass.notices::add);

        Optional<WorkflowReconcileResult> result = Optional.empty();
        if (!volumes.recreating()) {
            pass.notices.addAll(certificates);
            context.managedWorkflowAndDependentResourceContext().put(NsqdPlan.class,
                    new NsqdPlan(scale.replicas(), volumes.claim(), roll.partition(), tls.certificateHash()));
            context.managedWorkflowAndDependentResourceContext().put(TlsPlan.class, tls);
            context.managedWorkflowAndDependentResourceContext().put(AdminSecrets.class, adminSecrets);
            context.managedWorkflowAndDependentResourceContext().put(OperatorNamespace.class, operatorNamespace);
            result = Optional.of(context.managedWorkflowAndDependentResourceContext().reconcileManagedWorkflow());
        }
        pass.status.observe(pass.statefulSet(names.of(ClusterNames.LOOKUPD)), pass.statefulSet(names.of(ClusterNames.NSQD)),
                pass.deployment(names.of(ClusterNames.ADMIN)), result, scale.drain(), volumes, roll.waitingFor(),
                certificateWaitsFor(pass, names), adminSecrets.missing());
        metrics.draining(names.namespace() + "/" + names.cluster(), scale.drain() != null);
        metrics.reconciled("applied");
        return pass.finish(earliest(scale.recheck().or(roll::recheck)
                .or(() -> volumes.recreating() ? Optional.of(Duration.ofSeconds(5)) : Optional.empty()),
                earliest(tls.recheck(), adminSecrets.missing().map(m -> RECHECK_SECRETS))));
    }

    /** With spec.tls.certManager, until cert-manager has written the Secret the pods mount (they cannot start without it). */
    private static Optional<String> certificateWaitsFor(Pass pass, ClusterNames names) {
        NsqClusterSpec spec = pass.cluster.getSpec();
        if (spec.tls == null || spec.tls.certManager == null || pass.secret(names.certManagerSecret()) != null) {
            return Optional.empty();
        }
        return Optional.of("Secret " + names.certManagerSecret() + " from cert-manager (installed? issuer "
                + spec.tls.certManager.issuerRef.kind + "/" + spec.tls.certManager.issuerRef.name + " ready?)");
    }

    private static Optional<Duration> earliest(Optional<Duration> a, Optional<Duration> b) {
        return a.isEmpty() ? b : b.isEmpty() ? a : Optional.of(a.get().compareTo(b.get()) <= 0 ? a.get() : b.get());
    }

    /**
     * The TLS of this pass. With spec.tls.generate: the next step of the certificates ({@link GeneratedTls}), told as
     * {@code notices}. The pods' certificate hash is that of the server Secret as stored (the one the new pods will
     * mount), or of the planned one before there is any; for a Secret from the user or cert-manager, that of the
     * Secret if the operator sees it, else none (the pods are not rolled for it).
     */
    private TlsPlan tls(Pass pass, ClusterNames names, StatefulSet nsqd, Instant now, List<Notice> notices) {
        NsqClusterSpec spec = pass.cluster.getSpec();
        if (spec.tls == null) {
            return TlsPlan.NONE;
        }
        if (spec.tls.generate == null) {
            Secret s = pass.secret(TlsSecrets.serverSecret(spec, names));
            return new TlsPlan(null, s == null ? null : TlsSecrets.hash(TlsSecrets.decoded(s)), Optional.empty());
        }
        Map<String, String> stored = TlsSecrets.decoded(pass.secret(names.tlsSecret()));
        GeneratedTls.Plan plan = GeneratedTls.plan(names, GeneratedTls.Settings.of(spec.tls.generate), now,
                TlsSecrets.decoded(pass.secret(names.caKeySecret())), stored,
                content -> RollingRestart.done(nsqd, ComponentFlags.configHash(spec, names, ClusterNames.NSQD, TlsSecrets.hash(content))));
        plan.changes().forEach(c -> notices.add(new Notice(false, c.reason(), c.message())));
        Duration due = Duration.between(now, plan.wakeAt());
        return new TlsPlan(plan, TlsSecrets.hash(stored.isEmpty() ? plan.server() : stored), Optional.of(
                !stored.isEmpty() && !stored.equals(plan.server()) || due.compareTo(RECHECK_CERTIFICATES) < 0 ? RECHECK_CERTIFICATES : due));
    }

    private ScaleDown.Decision scaleDown(NsqCluster cluster, ClusterNames names, Integer current, NsqClusterStatus.Drain previous, Instant now) {
        NsqClusterSpec spec = cluster.getSpec();
        if (current == null || spec.nsqd.replicas >= current || spec.nsqd.forceScaleDown) {
            if (previous != null) {
                checks.forget(names.namespace() + "/" + previous.pod);
            }
            return ScaleDown.decide(spec, current, previous, null, Optional.empty(), now);
        }
        int leaving = current - 1;
        String pod = names.podName(ClusterNames.NSQD, leaving);
        Optional<NsqdDrain.Progress> progress = checks.latest(names.namespace() + "/" + pod, () -> drain.check(
                endpoints.nsqdHttp(names, leaving), endpoints.lookupdHttp(names, spec.lookupd.replicas)));
        ScaleDown.Decision decision = ScaleDown.decide(spec, current, previous, pod, progress, now);
        if (decision.drain() == null) {
            checks.forget(names.namespace() + "/" + pod);
        }
        return decision;
    }

    /** Events for what changes with this pass: scaling up, a rolling restart. */
    private static void noticeChanges(Pass pass, NsqCluster cluster, StatefulSet lookupd, StatefulSet nsqd, ScaleDown.Decision scale,
            String certificateHash) {
        if (lookupd != null && lookupd.getSpec().getReplicas() != cluster.getSpec().lookupd.replicas) {
            pass.notices.add(new Notice(false, "Scaling", "nsqlookupd scaled from " + lookupd.getSpec().getReplicas() + " to "
                    + cluster.getSpec().lookupd.replicas));
        }
        if (nsqd != null && scale.replicas() > nsqd.getSpec().getReplicas()) {
            pass.notices.add(new Notice(false, "Scaling", "nsqd scaled from " + nsqd.getSpec().getReplicas() + " to " + scale.replicas()));
        }
        for (StatefulSet s : new StatefulSet[] {lookupd, nsqd}) {
            if (s != null) {
                String was = s.getSpec().getTemplate().getMetadata().getAnnotations().get(ClusterNames.CONFIG_HASH_ANNOTATION);
                String will = StatusReport.configHash(cluster, s.getMetadata().getName(), certificateHash);
                if (was != null && will != null && !was.equals(will)) {
                    pass.notices.add(new Notice(false, "RollingRestart", s.getMetadata().getName()
                            + (s == nsqd && certificateHash != null ? ": flags, image or certificate changed" : ": flags or image changed")
                            + ", restarting its pods one at a time"));
                }
            }
        }
    }

    @Override
    public ErrorStatusUpdateControl<NsqCluster> updateErrorStatus(NsqCluster cluster, Context<NsqCluster> context, Exception e) {
        NsqClusterStatus before = cluster.getStatus() == null ? new NsqClusterStatus() : cluster.getStatus();
        StatusReport status = StatusReport.startingFrom(before, cluster, clock.instant());
        status.failed(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        return status.changedFrom(before) ? ErrorStatusUpdateControl.patchStatus(status.asPatch(cluster))
                : ErrorStatusUpdateControl.defaultErrorProcessing();
    }

    /** One reconcile of one cluster: what it found, what it will report, what it will tell. */
    private final class Pass {
        final NsqCluster cluster;
        final Context<NsqCluster> context;
        final StatusReport status;
        final List<Notice> notices = new ArrayList<>();

        Pass(NsqCluster cluster, Context<NsqCluster> context, StatusReport status) {
            this.cluster = cluster;
            this.context = context;
            this.status = status;
        }

        StatefulSet statefulSet(String name) {
            return context.getSecondaryResourcesAsStream(StatefulSet.class, true)
                    .filter(s -> name.equals(s.getMetadata().getName())).findFirst().orElse(null);
        }

        Secret secret(String name) {
            return context.getSecondaryResourcesAsStream(Secret.class, true)
                    .filter(s -> name.equals(s.getMetadata().getName())).findFirst().orElse(null);
        }

        Deployment deployment(String name) {
            return context.getSecondaryResourcesAsStream(Deployment.class, true)
                    .filter(s -> name.equals(s.getMetadata().getName())).findFirst().orElse(null);
        }

        UpdateControl<NsqCluster> finish(Optional<Duration> recheck) {
            notices.forEach(n -> events.emit(cluster, n));
            NsqClusterStatus before = cluster.getStatus() == null ? new NsqClusterStatus() : cluster.getStatus();
            UpdateControl<NsqCluster> control = status.changedFrom(before) ? UpdateControl.patchStatus(status.asPatch(cluster))
                    : UpdateControl.noUpdate();
            return recheck.map(control::rescheduleAfter).orElse(control);
        }
    }
}
