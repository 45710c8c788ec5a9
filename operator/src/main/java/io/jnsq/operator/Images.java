package io.jnsq.operator;

/** The container images of jnsq's components, named consistently with the project version (Dockerfiles, chart, CRD). */
public final class Images {

    /** Registry and prefix; the component is appended: ghcr.io/jnsq/jnsq-nsqd. */
    public static final String DEFAULT_PREFIX = "ghcr.io/jnsq/jnsq";

    private Images() {
    }

    /** The version this operator was built as (the default tag). */
    public static String operatorVersion() {
        String v = Images.class.getPackage().getImplementationVersion();
        return v == null ? "0.1.0-SNAPSHOT" : v;
    }

    static String of(NsqClusterSpec spec, String component) {
        String prefix = spec.image == null || spec.image.isBlank() ? DEFAULT_PREFIX : spec.image;
        String tag = spec.version == null || spec.version.isBlank() ? operatorVersion() : spec.version;
        return prefix + "-" + component + ":" + tag;
    }
}
