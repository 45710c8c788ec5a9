package io.jnsq.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class NamesTest {

    @Test
    void acceptsNsqCharacterSetAndEphemeralSuffix() {
        assertThat(Names.isValidTopicName("test")).isTrue();
        assertThat(Names.isValidTopicName("a.b_c-D9")).isTrue();
        assertThat(Names.isValidTopicName("tail123#ephemeral")).isTrue();
        assertThat(Names.isValidChannelName("x".repeat(64))).isTrue();
    }

    @Test
    void rejectsEmptyTooLongAndForeignCharacters() {
        assertThat(Names.isValidTopicName("")).isFalse();
        assertThat(Names.isValidTopicName(null)).isFalse();
        assertThat(Names.isValidTopicName("x".repeat(65))).isFalse();
        assertThat(Names.isValidTopicName("bad topic")).isFalse();
        assertThat(Names.isValidTopicName("bad!")).isFalse();
        assertThat(Names.isValidTopicName("#ephemeral")).isFalse();
        assertThat(Names.isValidChannelName("a#b")).isFalse();
        assertThat(Names.isValidChannelName("a#ephemeral#ephemeral")).isFalse();
    }

    @Test
    void ephemeralIsRecognisedBySuffix() {
        assertThat(Names.isEphemeral("ch#ephemeral")).isTrue();
        assertThat(Names.isEphemeral("ch")).isFalse();
    }
}
