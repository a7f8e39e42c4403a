package dev.bookmarks.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RangesTest {

    private static final Duration SECOND = Duration.ofSeconds(1);
    private static final Duration MINUTE = Duration.ofMinutes(1);

    @Test
    void acceptsBothEndsOfADurationRange() {
        assertThat(Ranges.require("p", SECOND, SECOND, MINUTE)).isEqualTo(SECOND);
        assertThat(Ranges.require("p", MINUTE, SECOND, MINUTE)).isEqualTo(MINUTE);
    }

    @Test
    void refusesADurationJustOutsideOrMissingAndNamesPropertyRangeAndValue() {
        assertThatThrownBy(() -> Ranges.require("a.b", Duration.ofMillis(999), SECOND, MINUTE))
                .hasMessage("a.b must be in [PT1S, PT1M]: PT0.999S");
        assertThatThrownBy(() -> Ranges.require("a.b", MINUTE.plusNanos(1), SECOND, MINUTE))
                .hasMessage("a.b must be in [PT1S, PT1M]: PT1M0.000000001S");
        assertThatThrownBy(() -> Ranges.require("a.b", null, SECOND, MINUTE))
                .hasMessage("a.b must be in [PT1S, PT1M]: null");
    }

    @Test
    void acceptsBothEndsOfANumberRangeAndRefusesNaNAndWhatIsOutside() {
        assertThat(Ranges.require("r", 0.0, 0.0, 1.0)).isZero();
        assertThat(Ranges.require("r", 1.0, 0.0, 1.0)).isEqualTo(1.0);
        assertThatThrownBy(() -> Ranges.require("r", Double.NaN, 0.0, 1.0)).hasMessage("r must be in [0.0, 1.0]: NaN");
        assertThatThrownBy(() -> Ranges.require("r", -0.001, 0.0, 1.0)).hasMessage("r must be in [0.0, 1.0]: -0.001");
    }
}
