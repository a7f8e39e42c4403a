package dev.bookmarks.localprofile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

class LoopbackOnlyAutoConfigurationTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(LoopbackOnlyAutoConfiguration.class));

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "127.0.0.11", "127.255.255.254", "::1", "localhost"})
    void acceptsLoopbackAddresses(String address) {
        assertThatCode(() -> LoopbackOnlyAutoConfiguration.requireLoopback("server.address", address))
                .doesNotThrowAnyException();
    }

    @ParameterizedTest
    @ValueSource(strings = {"0.0.0.0", "::", "10.1.2.3", "192.168.1.5", "172.16.0.1", "128.0.0.1", " "})
    void refusesEveryOtherAddressAndNamesTheProperty(String address) {
        assertThatThrownBy(() -> LoopbackOnlyAutoConfiguration.requireLoopback("management.server.address", address))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("management.server.address")
                .hasMessageContaining("loopback");
    }

    @Test
    void refusesAnUnsetAddressWhichMeansEveryInterface() {
        assertThatThrownBy(() -> LoopbackOnlyAutoConfiguration.requireLoopback("server.address", null))
                .hasMessageContaining("unset means every interface");
    }

    @Test
    void refusesToStartTheLocalProfileOnEveryInterface() {
        runner.withPropertyValues("spring.profiles.active=local", "server.address=0.0.0.0",
                "management.server.address=127.0.0.1").run(context -> assertThat(context).hasFailed()
                .getFailure().rootCause().hasMessageContaining("server.address=0.0.0.0 is not a loopback address"));
        runner.withPropertyValues("spring.profiles.active=local", "server.address=127.0.0.1")
                .run(context -> assertThat(context).hasFailed().getFailure().rootCause()
                        .hasMessageContaining("set management.server.address to 127.0.0.1"));
    }

    @Test
    void startsTheLocalProfileOnLoopbackAndLeavesOtherProfilesAlone() {
        runner.withPropertyValues("spring.profiles.active=local", "server.address=127.0.0.1",
                "management.server.address=::1").run(context -> assertThat(context).hasNotFailed()
                .hasSingleBean(LoopbackOnlyAutoConfiguration.class));
        runner.withPropertyValues("server.address=0.0.0.0").run(context -> assertThat(context).hasNotFailed()
                .doesNotHaveBean(LoopbackOnlyAutoConfiguration.class));
    }
}
