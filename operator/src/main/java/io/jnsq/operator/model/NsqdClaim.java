package io.jnsq.operator.model;

import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.jnsq.operator.NsqClusterSpec;
import java.util.Objects;
import java.util.Optional;

/**
 * The volume each nsqd gets: the size and storage class of the StatefulSet's claim template. The template cannot be
 * changed in place, so what a StatefulSet was created with is compared with what the spec asks for.
 */
public record NsqdClaim(String size, String storageClassName) {

    public static NsqdClaim of(NsqClusterSpec spec) {
        return new NsqdClaim(spec.nsqd.storage.size, spec.nsqd.storage.storageClassName);
    }

    /** The claim template of an existing nsqd StatefulSet, if it has one. */
    public static Optional<NsqdClaim> of(StatefulSet existing) {
        if (existing == null || existing.getSpec() == null || existing.getSpec().getVolumeClaimTemplates() == null) {
            return Optional.empty();
        }
        return existing.getSpec().getVolumeClaimTemplates().stream().filter(t -> "data".equals(t.getMetadata().getName()))
                .findFirst().map(NsqdClaim::of);
    }

    static NsqdClaim of(PersistentVolumeClaim claim) {
        Quantity q = claim.getSpec().getResources() == null || claim.getSpec().getResources().getRequests() == null
                ? null : claim.getSpec().getResources().getRequests().get("storage");
        return new NsqdClaim(q == null ? null : q.toString(), claim.getSpec().getStorageClassName());
    }

    /** Bytes, for comparing sizes written differently (1Gi and 1024Mi). */
    public long bytes() {
        return Quantity.getAmountInBytes(new Quantity(size)).longValueExact();
    }

    public boolean sameClassAs(NsqdClaim other) {
        return Objects.equals(storageClassName, other.storageClassName);
    }
}
