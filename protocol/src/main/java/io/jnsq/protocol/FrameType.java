package io.jnsq.protocol;

/** The three kinds of frame an nsqd sends to a V2 client: {@code [size][type][data]}. */
public enum FrameType {
    RESPONSE(0),
    ERROR(1),
    MESSAGE(2);

    private final int code;

    FrameType(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    public static FrameType of(int code) {
        return switch (code) {
            case 0 -> RESPONSE;
            case 1 -> ERROR;
            case 2 -> MESSAGE;
            default -> throw new IllegalArgumentException("unknown frame type " + code);
        };
    }
}
