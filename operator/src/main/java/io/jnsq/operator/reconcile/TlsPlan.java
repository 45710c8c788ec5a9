package io.jnsq.operator.reconcile;

import io.jnsq.operator.model.GeneratedTls;
import java.time.Duration;
import java.util.Optional;

/**
 * What this pass decided about the cluster's TLS, for the dependents: the generated certificates' Secrets (null unless
 * spec.tls.generate), and the hash of the Secret content the pods are to run with (null: no TLS, or a Secret the
 * operator does not watch), which goes into the nsqd and nsqadmin pod templates; and when to look again: soon after
 * this pass rewrites the server Secret (the pods then get the hash of what it stores), else when the next step is due.
 */
record TlsPlan(GeneratedTls.Plan generated, String certificateHash, Optional<Duration> recheck) {

    static final TlsPlan NONE = new TlsPlan(null, null, Optional.empty());
}
