package dev.bookmarks.deployment.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bookmarks.deployment.Repository;
import dev.bookmarks.deployment.compose.ApplicationYml;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The Grafana dashboard (deploy/grafana) and the alert rules (deploy/prometheus/alerts.yml) query only metrics the
 * services export: a misspelt or invented name would give an empty panel and an alert that can never fire, and
 * neither Grafana nor promtool notices. No Prometheus runs here; the names are checked against the code.
 *
 * <p>{@link #METERS} is the table of every meter they may use, by its Micrometer name, type and base unit. The
 * Prometheus names are derived from those as Micrometer's Prometheus registry names them (dots to underscores, the
 * base unit appended, counters {@code _total}, timers in seconds with {@code _count}, {@code _sum}, {@code _max} and,
 * with a histogram, {@code _bucket}). Each meter is then either named by a literal in the main sources or is a
 * built-in listed here with what registers it.
 */
class DashboardTest {

    static final Path DASHBOARD = Repository.file("deploy/grafana/bookmarks-dashboard.json");
    static final Path ALERTS = Repository.file("deploy/prometheus/alerts.yml");
    static final Path PROMETHEUS = Repository.file("deploy/prometheus/prometheus.yml");

    /** The datasource every panel and query goes through: a dashboard variable, so the file names no instance. */
    static final String DATASOURCE_VARIABLE = "DS_PROMETHEUS";

    enum Type { COUNTER, GAUGE, TIMER }

    /** Who registers a meter: the code (its name is a literal there), a library or framework, or Prometheus. */
    enum Origin { CODE, BUILT_IN, PROMETHEUS }

    /**
     * One meter the queries may use.
     *
     * @param name the Micrometer name (for {@link Origin#PROMETHEUS}, the Prometheus name)
     * @param baseUnit the base unit Micrometer appends to the Prometheus name, or null
     * @param origin who registers it
     * @param registeredBy for a built-in: what registers it
     * @param witness for a built-in: a literal that must appear in the main sources for it to be registered at all,
     *     or null when every service with Spring Boot Actuator has it
     * @param histogramModule for a timer whose {@code _bucket} series are queried: the module whose application.yml
     *     turns the histogram on; null otherwise
     */
    record Meter(String name, Type type, String baseUnit, Origin origin, String registeredBy, String witness,
            String histogramModule) {

        static Meter code(String name, Type type, String baseUnit) {
            return new Meter(name, type, baseUnit, Origin.CODE, null, null, null);
        }

        static Meter builtIn(String name, Type type, String baseUnit, String registeredBy, String witness) {
            return new Meter(name, type, baseUnit, Origin.BUILT_IN, registeredBy, witness, null);
        }

        Meter withHistogramIn(String module) {
            return new Meter(name, type, baseUnit, origin, registeredBy, witness, module);
        }

        /** The series names Micrometer's Prometheus registry gives this meter. */
        Set<String> prometheusNames() {
            if (origin == Origin.PROMETHEUS) {
                return Set.of(name);
            }
            String base = name.replace('.', '_');
            if (baseUnit != null && !base.endsWith("_" + baseUnit)) {
                base += "_" + baseUnit;
            }
            return switch (type) {
                case COUNTER -> Set.of(base + "_total");
                case GAUGE -> Set.of(base);
                case TIMER -> histogramModule == null
                        ? Set.of(base + "_count", base + "_sum", base + "_max")
                        : Set.of(base + "_count", base + "_sum", base + "_max", base + "_bucket");
            };
        }
    }

    private static final String RESILIENCE4J = "Resilience4j's TaggedCircuitBreakerMetrics";
    private static final String RESILIENCE4J_BINDING = "TaggedCircuitBreakerMetrics.ofCircuitBreakerRegistry";

    /**
     * Every meter the dashboard and the alerts may use. The code's own: RingMetrics (registry-client, on every
     * gateway, shard and the registry), ShardRetryFilter, ResilienceConfiguration and RestartedShardProbe (gateway),
     * ReshardingMetrics (registry).
     */
    static final List<Meter> METERS = List.of(
            Meter.code("bookmarks.ring.epoch", Type.GAUGE, null),
            Meter.code("bookmarks.ring.age", Type.GAUGE, "seconds"),
            Meter.code("bookmarks.ring.source.errors", Type.GAUGE, null),
            Meter.code("bookmarks.ring.signature.failures", Type.COUNTER, null),
            Meter.code("bookmarks.gateway.retries", Type.COUNTER, null),
            Meter.code("bookmarks.gateway.retry.budget.tokens", Type.GAUGE, null),
            Meter.code("bookmarks.gateway.circuit.restart.probes", Type.COUNTER, null),
            // ReshardingMetrics (shard-registry).
            Meter.code("bookmarks.resharding.running", Type.GAUGE, null),
            Meter.code("bookmarks.resharding.paused", Type.GAUGE, null),
            Meter.code("bookmarks.resharding.slots.moved", Type.GAUGE, null),
            Meter.code("bookmarks.resharding.verification.failed", Type.GAUGE, null),
            Meter.code("bookmarks.resharding.slots.remaining", Type.GAUGE, null),
            Meter.code("bookmarks.resharding.batch.lag", Type.GAUGE, null),
            Meter.code("bookmarks.resharding.eta", Type.GAUGE, "seconds"),
            // ReshardingDriver's timer, with a histogram of its own (publishPercentileHistogram).
            Meter.code("bookmarks.resharding.write.pause", Type.TIMER, "seconds"),
            // The timer of Spring Boot's server request observation, on WebFlux (gateway) and MVC (shards) alike.
            Meter.builtIn("http.server.requests", Type.TIMER, "seconds", "Spring Boot's server observation", null)
                    .withHistogramIn("gateway"),
            // Spring Boot's JvmMetricsAutoConfiguration: JvmMemoryMetrics, in every service.
            Meter.builtIn("jvm.memory.used", Type.GAUGE, "bytes", "Spring Boot's JvmMemoryMetrics", null),
            Meter.builtIn("jvm.memory.committed", Type.GAUGE, "bytes", "Spring Boot's JvmMemoryMetrics", null),
            // Resilience4j registers these only for a registry something binds: the gateway's breakers.
            Meter.builtIn("resilience4j.circuitbreaker.state", Type.GAUGE, null, RESILIENCE4J, RESILIENCE4J_BINDING),
            Meter.builtIn("resilience4j.circuitbreaker.not.permitted.calls", Type.COUNTER, null, RESILIENCE4J,
                    RESILIENCE4J_BINDING),
            // Not exported by anyone: Prometheus writes it for every target at every scrape (1 answered, 0 not).
            new Meter("up", Type.GAUGE, null, Origin.PROMETHEUS, "Prometheus", null, null));

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void everyMetricTheDashboardAndTheAlertsQueryIsOneTheServicesExport() {
        Map<String, Meter> exported = exportedNames();
        Map<String, String> unknown = new TreeMap<>();
        queries().forEach((where, expr) -> PromQl.metricNames(expr).stream()
                .filter(name -> !exported.containsKey(name))
                .forEach(name -> unknown.merge(name, where, (a, b) -> a + "; " + b)));

        assertThat(queries()).as("queries found").hasSizeGreaterThan(10);
        assertThat(unknown).as("metrics no meter of METERS exports (name -> where it is queried); known: %s",
                exported.keySet()).isEmpty();
    }

    @Test
    void everyMeterOfTheTableIsRegisteredByTheCodeOrByABuiltInTheCodeUses() {
        Map<Path, String> sources = mainSources();
        List<String> unregistered = new ArrayList<>();
        for (Meter meter : METERS) {
            boolean found = switch (meter.origin()) {
                // A string literal in Java ("bookmarks.ring.age"); in a .yml file a key or value without quotes.
                case CODE -> sources.entrySet().stream().anyMatch(source -> source.getKey().toString().endsWith(".java")
                        ? source.getValue().contains("\"" + meter.name() + "\"")
                        : source.getValue().contains(meter.name()));
                case BUILT_IN -> meter.witness() == null
                        || sources.values().stream().anyMatch(text -> text.contains(meter.witness()));
                case PROMETHEUS -> true;
            };
            if (!found) {
                unregistered.add(meter.name() + " (" + (meter.origin() == Origin.CODE ? "its name"
                        : meter.registeredBy() + ": " + meter.witness()) + " is in no main source)");
            }
        }
        assertThat(sources).as("main sources read").hasSizeGreaterThan(50);
        assertThat(unregistered).as("meters nothing in */src/main registers").isEmpty();
    }

    @Test
    void theTableListsOnlyMetersThatAreQueried() {
        Set<String> queried = new TreeSet<>();
        queries().values().forEach(expr -> queried.addAll(PromQl.metricNames(expr)));

        assertThat(METERS).as("meters of the table that no panel or alert uses (remove them)")
                .filteredOn(meter -> meter.prometheusNames().stream().noneMatch(queried::contains))
                .isEmpty();
    }

    @Test
    void histogramBucketsAreQueriedOnlyWhereTheServiceTurnsTheHistogramOn() {
        for (Meter meter : METERS) {
            if (meter.histogramModule() == null) {
                continue;
            }
            JsonNode histograms = ApplicationYml.of(meter.histogramModule()).tree()
                    .path("management").path("metrics").path("distribution").path("percentiles-histogram");
            // Spring Boot's map key with dots is written "[http.server.requests]" in YAML (or without brackets).
            JsonNode enabled = histograms.has("[" + meter.name() + "]") ? histograms.path("[" + meter.name() + "]")
                    : histograms.path(meter.name());
            assertThat(enabled.asBoolean(false))
                    .as("%s's application.yml: management.metrics.distribution.percentiles-histogram.%s",
                            meter.histogramModule(), meter.name())
                    .isTrue();
            String bucket = meter.prometheusNames().stream().filter(n -> n.endsWith("_bucket")).findFirst()
                    .orElseThrow();
            queries().forEach((where, expr) -> {
                if (PromQl.metricNames(expr).contains(bucket)) {
                    assertThat(PromQl.jobsSelected(expr)).as("jobs whose %s %s queries", bucket, where)
                            .containsOnly(meter.histogramModule());
                }
            });
        }
    }

    @Test
    void everyJobTheQueriesSelectIsAJobPrometheusScrapes() {
        Set<String> jobs = new TreeSet<>();
        scrapeConfigs().forEach(config -> jobs.add(config.path("job_name").asText()));
        Map<String, Set<String>> selected = new TreeMap<>();
        queries().forEach((where, expr) -> {
            Set<String> unknown = new TreeSet<>(PromQl.jobsSelected(expr));
            unknown.removeAll(jobs);
            if (!unknown.isEmpty()) {
                selected.put(where, unknown);
            }
        });
        assertThat(jobs).contains("gateway", "bookmark-service", "shard-registry");
        assertThat(selected).as("jobs selected that prometheus.yml does not scrape").isEmpty();
    }

    @Test
    void everyPanelQueriesPrometheusThroughTheDatasourceVariable() {
        JsonNode dashboard = dashboard();
        JsonNode variable = null;
        for (JsonNode candidate : dashboard.path("templating").path("list")) {
            if (candidate.path("name").asText().equals(DATASOURCE_VARIABLE)) {
                variable = candidate;
            }
        }
        assertThat(variable).as("templating variable " + DATASOURCE_VARIABLE).isNotNull();
        assertThat(variable.path("type").asText()).isEqualTo("datasource");
        assertThat(variable.path("query").asText()).isEqualTo("prometheus");
        assertThat(dashboard.path("schemaVersion").asInt()).isBetween(36, 41);

        assertThat(dashboard.path("panels")).as("panels").isNotEmpty();
        for (JsonNode panel : dashboard.path("panels")) {
            String title = panel.path("title").asText();
            assertTheVariable(panel.path("datasource"), "panel " + title);
            assertThat(panel.path("targets")).as("queries of panel %s", title).isNotEmpty();
            for (JsonNode target : panel.path("targets")) {
                assertThat(target.path("expr").asText()).as("a query of panel %s", title).isNotBlank();
                // A query's own datasource, when it names one, overrides the panel's.
                if (target.has("datasource")) {
                    assertTheVariable(target.path("datasource"), "query " + target.path("refId").asText() + " of "
                            + title);
                }
            }
        }
    }

    @Test
    void panelIdsAreUnique() {
        List<Integer> ids = new ArrayList<>();
        dashboard().path("panels").forEach(panel -> {
            assertThat(panel.path("id").isInt()).as("id of panel %s", panel.path("title").asText()).isTrue();
            ids.add(panel.path("id").asInt());
        });
        assertThat(ids).isNotEmpty().doesNotHaveDuplicates();
    }

    /** The extraction the other tests rely on, on expressions of the shapes the dashboard and the alerts use. */
    @Test
    void theExtractionFindsTheMetricNamesOfAnExpressionAndNothingElse() {
        assertThat(PromQl.metricNames("histogram_quantile(0.99, sum by (instance, le) (rate("
                + "http_server_requests_seconds_bucket{job=\"gateway\",uri!~\"/actuator.*\"}[$__rate_interval])))"
                + " > 0.5"))
                .containsExactly("http_server_requests_seconds_bucket");
        assertThat(PromQl.metricNames("sum by (instance) (rate(a_total{status=~\"5..\"}[5m])) / on (instance)"
                + " group_left sum(rate(b_count[5m])) > 0.05 and sum without (le) (c) > bool 0.1 unless d offset 5m"))
                .containsExactlyInAnyOrder("a_total", "b_count", "c", "d");
        assertThat(PromQl.metricNames("max by (name) (2 * x{state=\"open\"} or y{state=\"half_open\"})"))
                .containsExactlyInAnyOrder("x", "y");
        assertThat(PromQl.metricNames("up{job=\"bookmark-service\"} == 0")).containsExactly("up");
        assertThat(PromQl.jobsSelected("a{job=\"gateway\"} / b{job=~\"gateway|shard-registry\"} + c{le=\"1\"}"))
                .containsExactlyInAnyOrder("gateway", "shard-registry");
    }

    /** Every Prometheus name a meter of the table has, to the meter. */
    static Map<String, Meter> exportedNames() {
        Map<String, Meter> names = new TreeMap<>();
        METERS.forEach(meter -> meter.prometheusNames().forEach(name -> names.put(name, meter)));
        return names;
    }

    /** Every query: where it is (panel or alert) to its expression. */
    static Map<String, String> queries() {
        Map<String, String> queries = new LinkedHashMap<>();
        for (JsonNode panel : dashboard().path("panels")) {
            for (JsonNode target : panel.path("targets")) {
                queries.put("panel " + panel.path("id").asInt() + " (" + panel.path("title").asText() + ") "
                        + target.path("refId").asText(), target.path("expr").asText());
            }
        }
        alertRules().forEach(rule -> queries.put("alert " + rule.path("alert").asText(), rule.path("expr").asText()));
        return queries;
    }

    static JsonNode dashboard() {
        try {
            return JSON.readTree(DASHBOARD.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The alerting rules of alerts.yml, every group's. */
    static List<JsonNode> alertRules() {
        List<JsonNode> rules = new ArrayList<>();
        for (JsonNode group : yaml(ALERTS).path("groups")) {
            group.path("rules").forEach(rule -> {
                if (rule.has("alert")) {
                    rules.add(rule);
                }
            });
        }
        return rules;
    }

    static List<JsonNode> scrapeConfigs() {
        List<JsonNode> configs = new ArrayList<>();
        yaml(PROMETHEUS).path("scrape_configs").forEach(configs::add);
        return configs;
    }

    /**
     * A YAML file as a tree, through SnakeYAML so that anchors and aliases are resolved as Prometheus resolves them
     * (Jackson's YAML tree would leave an alias as the anchor's name).
     */
    static JsonNode yaml(Path file) {
        try {
            Object document = new Yaml(new SafeConstructor(new LoaderOptions()))
                    .load(Files.readString(file, StandardCharsets.UTF_8));
            return JSON.valueToTree(document);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The text of every .java and .yml file under a module's src/main, by path. */
    static Map<Path, String> mainSources() {
        Map<Path, String> texts = new TreeMap<>();
        try (Stream<Path> modules = Files.list(Repository.root())) {
            for (Path main : modules.map(module -> module.resolve("src/main")).filter(Files::isDirectory).toList()) {
                try (Stream<Path> files = Files.walk(main)) {
                    for (Path file : files.filter(Files::isRegularFile).toList()) {
                        String name = file.getFileName().toString();
                        if (name.endsWith(".java") || name.endsWith(".yml")) {
                            texts.put(file, Files.readString(file, StandardCharsets.UTF_8));
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return texts;
    }

    private static void assertTheVariable(JsonNode datasource, String of) {
        assertThat(datasource.path("type").asText()).as("datasource type of %s", of).isEqualTo("prometheus");
        assertThat(datasource.path("uid").asText()).as("datasource of %s", of)
                .isEqualTo("${" + DATASOURCE_VARIABLE + "}");
    }

    /**
     * Just enough of PromQL's lexical structure to find the metric names of an expression: what remains once
     * strings, label matchers, ranges, grouping clauses, durations and numbers are taken out is names, keywords and
     * function calls, and a name that is neither a keyword nor followed by "(" is a metric.
     */
    static final class PromQl {

        private static final Pattern STRING = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'|`[^`]*`");
        private static final Pattern MATCHERS = Pattern.compile("\\{[^}]*}");
        private static final Pattern RANGE = Pattern.compile("\\[[^]]*]");
        private static final Pattern GROUPING = Pattern.compile(
                "\\b(?:by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)");
        /** After offset, or in a subquery's step: 5m, 1h30m. */
        private static final Pattern DURATION = Pattern.compile("\\b(?:\\d+(?:ms|[smhdwy]))+\\b");
        private static final Pattern NUMBER = Pattern.compile("\\b\\d+(?:\\.\\d+)?(?:[eE][+-]?\\d+)?\\b");
        private static final Pattern IDENTIFIER = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
        private static final Set<String> KEYWORDS = Set.of("and", "or", "unless", "by", "without", "on", "ignoring",
                "group_left", "group_right", "bool", "offset", "atan2", "inf", "nan");
        private static final Pattern JOB = Pattern.compile("\\bjob\\s*(=~|=)\\s*\"([^\"]*)\"");

        private PromQl() {
        }

        static Set<String> metricNames(String expr) {
            String rest = STRING.matcher(expr).replaceAll("\"\"");
            rest = MATCHERS.matcher(rest).replaceAll(" ");
            rest = RANGE.matcher(rest).replaceAll(" ");
            rest = GROUPING.matcher(rest).replaceAll(" ");
            rest = DURATION.matcher(rest).replaceAll(" ");
            rest = NUMBER.matcher(rest).replaceAll(" ");
            Set<String> names = new TreeSet<>();
            Matcher m = IDENTIFIER.matcher(rest);
            while (m.find()) {
                String name = m.group();
                String after = rest.substring(m.end()).stripLeading();
                if (!KEYWORDS.contains(name.toLowerCase()) && !after.startsWith("(")) {
                    names.add(name);
                }
            }
            return names;
        }

        /** The jobs an expression's job="..." and job=~"a|b" matchers select. */
        static Set<String> jobsSelected(String expr) {
            Set<String> jobs = new TreeSet<>();
            Matcher m = JOB.matcher(expr);
            while (m.find()) {
                jobs.addAll(m.group(1).equals("=") ? List.of(m.group(2)) : List.of(m.group(2).split("\\|")));
            }
            return jobs;
        }
    }
}
