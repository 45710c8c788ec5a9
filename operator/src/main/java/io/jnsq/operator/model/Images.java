package io.jnsq.operator.model;

import io.jnsq.operator.NsqClusterSpec;

/** The container images of jnsq's components, named consistently with the project version (Dockerfiles, chart, CRD). */
public final class Images {

    /** Registry and prefix; the component is appended: ghcr.io/jnsq/jnsq-nsqd. */
    public static final String DEFAULT_PREFIX = "ghcr.io/jnsq/jnsq";

    private Images() {
    }

    private static final String VERSION = readVersion();

    /** The version this operator was built as (the default tag). */
    public static String operatorVersion() {
        return VERSION;
    }

    private static String readVersion() {
        java.util.Properties p = new java.util.Properties();
        try (var in = Images.class.getResourceAsStream("version.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot read the operator's version", e);
        }
        return p.getProperty("version", "unknown");
    }

    public static String of(NsqClusterSpec spec, String component) {
        String prefix = spec.image == null || spec.image.isBlank() ? DEFAULT_PREFIX : spec.image;
        String tag = spec.version == null || spec.version.isBlank() ? operatorVersion() : spec.version;
        return prefix + "-" + component + ":" + tag;
    }
}
