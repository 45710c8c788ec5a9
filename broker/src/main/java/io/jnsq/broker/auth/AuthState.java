package io.jnsq.broker.auth;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * What an auth server granted one connection (nsqd's {@code auth.State}): an identity, its authorizations, and when
 * the grant expires ({@code ttl} seconds after the answer). Topic and channel patterns match anywhere in a name, as
 * Go's {@code regexp.MatchString} does.
 */
public final class AuthState {

    /** One grant: topics matching {@code topic}, channels matching any of {@code channels}, with these permissions. */
    public record Authorization(Pattern topic, List<Pattern> channels, boolean publish, boolean subscribe) {

        boolean allows(String topicName, String channelName) {
            if (channelName.isEmpty() ? !publish : !subscribe) {
                return false;
            }
            if (!topic.matcher(topicName).find()) {
                return false;
            }
            for (Pattern c : channels) {
                if (c.matcher(channelName).find()) {
                    return true;
                }
            }
            return false;
        }
    }

    private final String identity;
    private final String identityUrl;
    private final List<Authorization> authorizations;
    private final long expiresAtNanos;

    AuthState(String identity, String identityUrl, List<Authorization> authorizations, long expiresAtNanos) {
        this.identity = identity;
        this.identityUrl = identityUrl;
        this.authorizations = List.copyOf(authorizations);
        this.expiresAtNanos = expiresAtNanos;
    }

    /**
     * An auth server's answer, checked as nsqd checks it: known permissions, compilable patterns, a TTL above 0.
     *
     * @throws IllegalArgumentException with nsqd's wording of what is wrong
     */
    public static AuthState parse(JsonNode body, long nowNanos) {
        List<Authorization> auths = new ArrayList<>();
        for (JsonNode a : body.path("authorizations")) {
            boolean publish = false;
            boolean subscribe = false;
            for (JsonNode p : a.path("permissions")) {
                switch (p.asText()) {
                    case "publish" -> publish = true;
                    case "subscribe" -> subscribe = true;
                    default -> throw new IllegalArgumentException("unknown permission " + p.asText());
                }
            }
            Pattern topic = compile("topic", a.path("topic").asText(""));
            List<Pattern> channels = new ArrayList<>();
            for (JsonNode c : a.path("channels")) {
                channels.add(compile("channel", c.asText()));
            }
            auths.add(new Authorization(topic, channels, publish, subscribe));
        }
        long ttl = body.path("ttl").asLong(0);
        if (ttl <= 0) {
            throw new IllegalArgumentException("invalid TTL " + ttl + " (must be >0)");
        }
        return new AuthState(body.path("identity").asText(""), body.path("identity_url").asText(""), auths,
                nowNanos + ttl * 1_000_000_000L);
    }

    private static Pattern compile(String what, String regex) {
        try {
            return Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("unable to compile " + what + " \"" + regex + "\" " + e.getDescription());
        }
    }

    /** Publishing ({@code channel} empty) or subscribing to {@code topic}/{@code channel} is granted. */
    public boolean isAllowed(String topic, String channel) {
        for (Authorization a : authorizations) {
            if (a.allows(topic, channel)) {
                return true;
            }
        }
        return false;
    }

    public boolean isExpired(long nowNanos) {
        return nowNanos - expiresAtNanos > 0;
    }

    public boolean hasAuthorizations() {
        return !authorizations.isEmpty();
    }

    public String identity() {
        return identity;
    }

    public String identityUrl() {
        return identityUrl;
    }

    public int permissionCount() {
        return authorizations.size();
    }
}
