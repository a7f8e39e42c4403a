package dev.bookmarks.protocol.attack;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bookmarks.protocol.attack.RawHttp.Answer;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What every management port promises, as tests a module's IT implements ({@link ManagementPortProbe} does the
 * checking): health for anyone with the status only, every other endpoint for an operator by every spelling,
 * failed logins held off per address, and a listener on the configured address only. An interface, so that an
 * IT can extend its module's integration base as well.
 */
public interface ManagementPortContract {

    /** The port under test, with its operator and what its protected answers contain. */
    ManagementPortProbe probe();

    /** Endpoints that need an operator, as paths. */
    List<String> protectedPaths();

    /** What only an operator sees in {@code /actuator/health}: component names. */
    List<String> healthComponents();

    /** The failed logins per minute the port under test allows. */
    int failedLoginsPerMinute();

    @Test
    default void answersHealthAndItsProbesToAnyoneWithTheStatusOnly() {
        probe().healthAnswersAnyoneWithTheStatusOnly(
                healthComponents().stream().map(name -> "\"" + name + "\"").toArray(String[]::new));
    }

    @Test
    default void showsTheHealthComponentsToAnOperator() {
        Answer answer = probe().get("/actuator/health", probe().operator());

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.raw()).contains("\"components\"");
        healthComponents().forEach(name -> assertThat(answer.raw()).contains("\"" + name + "\""));
    }

    @Test
    default void refusesEveryOtherEndpointWithoutACredentialAsProblemJson() {
        probe().refusesWithoutACredential(protectedPaths());
    }

    @Test
    default void refusesAWrongPasswordAndAnUnknownOperator() {
        probe().refusesAWrongPasswordAndAnUnknownUser(protectedPaths());
    }

    @Test
    default void servesEveryProtectedEndpointToAnOperator() {
        for (String path : protectedPaths()) {
            assertThat(probe().get(path, probe().operator()).status()).as(path).isEqualTo(200);
        }
    }

    @Test
    default void refusesEveryOtherSpellingOfAProtectedEndpointWithoutACredential() {
        probe().refusesEveryOtherSpellingWithoutACredential(protectedPaths().stream()
                .filter(path -> path.matches("/actuator/[a-z]+")).map(path -> path.substring("/actuator/".length()))
                .toList());
    }

    @Test
    default void holdsOffAnAddressThatFailedTooManyLoginsWithoutHoldingOffOthers() {
        probe().holdsOffAnAddressAfterFailedLogins(failedLoginsPerMinute(), protectedPaths().get(1));
    }

    @Test
    default void listensOnTheConfiguredAddressOnly() {
        probe().listensOn127001Only();
    }
}
