package dev.bookmarks.deployment.monitoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bookmarks.deployment.Command;
import dev.bookmarks.deployment.Repository;
import dev.bookmarks.deployment.compose.ApplicationYml;
import dev.bookmarks.deployment.compose.ComposeFile;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * deploy/prometheus checked by promtool (the scrape config, the alert rules and their unit tests in alerts.test.yml)
 * and against what it describes: the alerts the issue asks for, a test that fires each, and scrape targets that are
 * the Compose services' management ports.
 */
class AlertRulesIT {

    static final Path TESTS = Repository.file("deploy/prometheus/alerts.test.yml");

    /** The alerts the issue names: shard down, breaker open, stale ring, retry budget, p99 latency, 5xx ratio. */
    static final Set<String> REQUIRED_ALERTS = Set.of("ShardDown", "CircuitBreakerOpen", "RingStale",
            "RetryBudgetExhausted", "GatewayP99LatencyHigh", "Gateway5xxRatioHigh");

    static final long TIMEOUT_SECONDS = 60;

    @Test
    void theScrapeConfigPassesPromtoolsCheck() {
        promtool("check", "config", "deploy/prometheus/prometheus.yml");
    }

    @Test
    void theAlertRulesPassPromtoolsCheck() {
        promtool("check", "rules", "deploy/prometheus/alerts.yml");
    }

    @Test
    void theAlertRulesPassTheirUnitTests() {
        promtool("test", "rules", "deploy/prometheus/alerts.test.yml");
    }

    @Test
    void everyAlertTheIssueNamesExists() {
        assertThat(alertNames()).containsAll(REQUIRED_ALERTS);
    }

    @Test
    void everyAlertHasATestCaseThatFiresIt() {
        assertThat(alertNames()).isNotEmpty();
        assertThat(testedAlerts(true)).as("alerts with a case in alerts.test.yml that expects them to fire")
                .containsAll(alertNames());
    }

    /** promtool compares the whole list of alerts expected at an instant, so an empty list asserts silence. */
    @Test
    void everyAlertHasATestCaseWhereItStaysSilent() {
        assertThat(testedAlerts(false)).as("alerts with a case in alerts.test.yml that expects none of them")
                .containsAll(alertNames());
    }

    @Test
    void everyAlertWaitsCarriesASeverityAndTellsAnOperatorWhatToDo() {
        for (JsonNode rule : DashboardTest.alertRules()) {
            String alert = rule.path("alert").asText();
            assertThat(rule.path("for").asText()).as("for: of %s", alert).matches("[1-9][0-9]*[smh]");
            assertThat(rule.path("labels").path("severity").asText()).as("severity of %s", alert)
                    .isIn("critical", "warning");
            JsonNode annotations = rule.path("annotations");
            assertThat(annotations.path("summary").asText()).as("summary of %s", alert).isNotBlank();
            assertThat(annotations.path("description").asText()).as("description of %s", alert).isNotBlank();
            assertThat(annotations.path("runbook").asText()).as("runbook of %s", alert)
                    .matches("docs/[a-z0-9-]+\\.md#[a-z0-9-]+");
        }
    }

    /**
     * Each target is a Compose service's management port serving Prometheus: the job is named after the module the
     * service runs (what the alerts and the dashboard select by), the port is the one its application.yml resolves
     * to in that service's environment, and the endpoint is exposed. And no service that serves metrics is left out.
     */
    @Test
    void everyScrapeTargetIsTheManagementPortOfAComposeServiceThatServesPrometheus() {
        Map<String, JsonNode> services = ComposeFile.services(ComposeFile.tree());
        Set<String> scraped = new TreeSet<>();
        for (JsonNode config : DashboardTest.scrapeConfigs()) {
            String job = config.path("job_name").asText();
            assertThat(config.path("metrics_path").asText()).as("metrics_path of %s", job)
                    .isEqualTo("/actuator/prometheus");
            List<String> targets = new ArrayList<>();
            config.path("static_configs").forEach(c -> c.path("targets").forEach(t -> targets.add(t.asText())));
            assertThat(targets).as("targets of %s", job).isNotEmpty();
            for (String target : targets) {
                String[] hostPort = target.split(":");
                JsonNode service = services.get(hostPort[0]);
                assertThat(service).as("Compose service %s (job %s)", hostPort[0], job).isNotNull();
                assertThat(ComposeFile.module(service)).as("module of %s", hostPort[0]).contains(job);
                Map<String, String> env = ComposeFile.environment(service);
                ApplicationYml yml = ApplicationYml.of(job);
                assertThat(Integer.parseInt(hostPort[1])).as("management port of %s", hostPort[0])
                        .isEqualTo(yml.actuatorPort(env));
                assertThat(yml.resolve("management.endpoints.web.base-path", env)).as("actuator base path of %s", job)
                        .isEmpty();
                assertThat(yml.resolve("management.endpoints.web.exposure.include", env).orElse(""))
                        .as("endpoints %s exposes", job).containsPattern("\\bprometheus\\b");
                scraped.add(hostPort[0]);
            }
        }
        Set<String> serving = new TreeSet<>();
        ComposeFile.builtServices(ComposeFile.tree()).forEach((name, service) -> {
            ApplicationYml yml = ApplicationYml.of(ComposeFile.module(service).orElseThrow());
            yml.resolve("management.endpoints.web.exposure.include", ComposeFile.environment(service))
                    .filter(include -> include.matches(".*\\bprometheus\\b.*"))
                    .ifPresent(include -> serving.add(name));
        });
        assertThat(scraped).as("Compose services scraped").isEqualTo(serving);
    }

    /** The operator's password reaches Prometheus through a file (a Compose secret), never through prometheus.yml. */
    @Test
    void everyScrapeAuthenticatesWithAPasswordFileAndNoLiteralPassword() {
        for (JsonNode config : DashboardTest.scrapeConfigs()) {
            JsonNode auth = config.path("basic_auth");
            assertThat(auth.path("password_file").asText()).as("basic_auth.password_file of %s",
                    config.path("job_name").asText()).isNotBlank();
            assertThat(auth.has("password")).as("basic_auth.password of %s", config.path("job_name").asText())
                    .isFalse();
        }
    }

    private static Set<String> alertNames() {
        Set<String> names = new TreeSet<>();
        DashboardTest.alertRules().forEach(rule -> names.add(rule.path("alert").asText()));
        return names;
    }

    /** The alerts that some case of alerts.test.yml expects to fire ({@code firing}), or expects none of. */
    private static Set<String> testedAlerts(boolean firing) {
        JsonNode tests = DashboardTest.yaml(TESTS);
        List<String> ruleFiles = new ArrayList<>();
        tests.path("rule_files").forEach(file -> ruleFiles.add(file.asText()));
        assertThat(ruleFiles).as("rule_files of alerts.test.yml").containsExactly("alerts.yml");
        Set<String> tested = new TreeSet<>();
        tests.path("tests").forEach(test -> test.path("alert_rule_test").forEach(check -> {
            if (check.path("exp_alerts").isEmpty() != firing) {
                tested.add(check.path("alertname").asText());
            }
        }));
        return tested;
    }

    /** Runs promtool from the repository's root; fails with its output unless it exits 0 within the timeout. */
    private static void promtool(String... args) {
        List<String> command = new ArrayList<>(List.of(findPromtool().toString()));
        command.addAll(List.of(args));
        Command promtool = Command.run(Repository.root(), List.of(), Map.of(), Duration.ofSeconds(TIMEOUT_SECONDS),
                command);
        assertThat(promtool.exitCode()).as("%s exit status; its output:%n%s", String.join(" ", command),
                promtool.stdout() + promtool.stderr()).isZero();
    }

    /** promtool on the PATH; its absence fails the test, since nothing else checks these files. */
    private static Path findPromtool() {
        String path = System.getenv().getOrDefault("PATH", "") + File.pathSeparator + "/usr/bin";
        return Stream.of(path.split(File.pathSeparator))
                .filter(dir -> !dir.isEmpty())
                .map(dir -> Path.of(dir, "promtool"))
                .filter(Files::isExecutable)
                .findFirst()
                .orElseThrow(() -> new AssertionError("promtool not found on the PATH: install it with"
                        + " `apt-get install prometheus` (Debian/Ubuntu), which brings promtool"));
    }
}
