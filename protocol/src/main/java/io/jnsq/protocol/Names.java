package io.jnsq.protocol;

/**
 * NSQ's rules for topic and channel names: 1 to 64 characters of {@code [.a-zA-Z0-9_-]}, optionally ending in
 * {@code #ephemeral}.
 */
public final class Names {

    public static final int MAX_LENGTH = 64;
    public static final String EPHEMERAL_SUFFIX = "#ephemeral";

    private Names() {
    }

    public static boolean isValidTopicName(String name) {
        return isValid(name);
    }

    public static boolean isValidChannelName(String name) {
        return isValid(name);
    }

    public static boolean isEphemeral(String name) {
        return name.endsWith(EPHEMERAL_SUFFIX);
    }

    private static boolean isValid(String name) {
        if (name == null || name.isEmpty() || name.length() > MAX_LENGTH) {
            return false;
        }
        int end = isEphemeral(name) ? name.length() - EPHEMERAL_SUFFIX.length() : name.length();
        if (end == 0) {
            return false;
        }
        for (int i = 0; i < end; i++) {
            char c = name.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '.' || c == '_' || c == '-';
            if (!ok) {
                return false;
            }
        }
        return true;
    }
}
