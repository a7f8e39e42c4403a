package dev.bookmarks.deployment.docker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bookmarks.deployment.Repository;
import dev.bookmarks.deployment.compose.ApplicationYml;
import dev.bookmarks.deployment.Command;
import dev.bookmarks.deployment.docker.Dockerfile.Instruction;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The four Dockerfiles: no diagnostic from either linter installed in deployment-tests/dockerfile-lint
 * (dockerfile-utils through lint.js, and dockerfilelint), and the house rules that no linter knows, checked against
 * each module's pom.xml and application.yml.
 */
class DockerfileLintIT {

    static final Path LINT = Repository.file("deployment-tests/dockerfile-lint");
    static final String INSTALL = "run npm ci --prefix deployment-tests/dockerfile-lint";

    private static final Pattern USER = Pattern.compile("(\\d+):(\\d+)");
    private static final Pattern PORT = Pattern.compile("(\\d+)(/tcp)?");

    @TempDir
    Path scratch;

    @BeforeAll
    static void nodeAndTheLintersAreInstalled() {
        assertThat(Command.onPath("node")).as("node is not on PATH: apt-get install nodejs, then " + INSTALL)
                .isPresent();
        assertThat(LINT.resolve("node_modules/dockerfile-utils/package.json"))
                .as("dockerfile-utils is not installed: " + INSTALL).isRegularFile();
        assertThat(LINT.resolve("node_modules/.bin/dockerfilelint"))
                .as("dockerfilelint is not installed: " + INSTALL).isRegularFile();
    }

    @Test
    void theseAreAllTheDockerfilesInTheRepository() throws IOException {
        Set<String> modules = new TreeSet<>();
        try (Stream<Path> dirs = Files.list(Repository.root())) {
            dirs.filter(d -> Files.isRegularFile(d.resolve("Dockerfile")))
                    .forEach(d -> modules.add(d.getFileName().toString()));
        }

        assertThat(modules).containsExactlyInAnyOrder("gateway", "bookmark-service", "shard-registry", "dev-issuer");
    }

    @ParameterizedTest
    @ValueSource(strings = {"gateway", "bookmark-service", "shard-registry", "dev-issuer"})
    void dockerfileUtilsReportsNoDiagnostic(String module) {
        Command lint = lintJs(Repository.file(module + "/Dockerfile"));

        assertThat(lint.exitCode()).as(lint.output()).isZero();
        assertThat(lint.stdout()).as(lint.output()).isBlank();
    }

    @ParameterizedTest
    @ValueSource(strings = {"gateway", "bookmark-service", "shard-registry", "dev-issuer"})
    void dockerfilelintReportsNoIssue(String module) {
        Command lint = dockerfilelint(Repository.file(module + "/Dockerfile"));

        assertThat(lint.exitCode()).as(lint.output()).isZero();
        assertThat(lint.stdout()).as(lint.output()).contains("Issues: None found");
    }

    @Test
    void bothLintersReportTheMistakesOfABrokenDockerfile() throws IOException {
        // Without this, a linter that checked nothing (a broken lint.js, an empty install) would pass every module.
        Path broken = Files.writeString(scratch.resolve("Dockerfile"), """
                FROM ubuntu
                MAINTAINER someone
                workdir app
                CMD ['java']
                """);

        Command utils = lintJs(broken);
        Command dockerfilelint = dockerfilelint(broken);

        assertThat(utils.exitCode()).as(utils.output()).isEqualTo(1);
        assertThat(utils.stdout()).as(utils.output()).contains(":2:1: warning: MAINTAINER has been deprecated")
                .contains("uppercase").contains("WORKDIR paths should be absolute").contains("single quotes");
        assertThat(dockerfilelint.exitCode()).as(dockerfilelint.output()).isNotZero();
        assertThat(dockerfilelint.stdout()).as(dockerfilelint.output()).contains("Base Image Missing");
    }

    @ParameterizedTest
    @ValueSource(strings = {"gateway", "bookmark-service", "shard-registry", "dev-issuer"})
    void everyFromNamesAPinnedTagOrADigest(String module) {
        Dockerfile dockerfile = Dockerfile.of(module);
        Set<String> stages = new TreeSet<>();
        List<Instruction> froms = Dockerfile.all(dockerfile.instructions(), "FROM");

        assertThat(froms).as(module + "'s FROMs").isNotEmpty();
        for (Instruction from : froms) {
            List<String> words = new ArrayList<>(from.words());
            words.removeIf(w -> w.startsWith("--")); // --platform=...
            String image = words.get(0);
            if (!stages.contains(image.toLowerCase())) {
                assertThat(Dockerfile.isPinned(image)).as(module + " " + from + " pins a version").isTrue();
            }
            if (words.size() == 3 && words.get(1).equalsIgnoreCase("AS")) {
                stages.add(words.get(2).toLowerCase());
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"gateway", "bookmark-service", "shard-registry", "dev-issuer"})
    void theLastStageRunsAsANumericUserAndGroupOtherThanRoot(String module) {
        List<Instruction> users = Dockerfile.all(Dockerfile.of(module).lastStage(), "USER");

        assertThat(users).as(module + "'s last stage sets USER").isNotEmpty();
        // Numeric, so that Kubernetes' runAsNonRoot can verify it without the image's /etc/passwd.
        Matcher m = USER.matcher(users.get(users.size() - 1).arguments().strip());
        assertThat(m.matches()).as(module + " " + users.get(users.size() - 1) + " is uid:gid").isTrue();
        assertThat(Integer.parseInt(m.group(1))).as(module + "'s uid").isNotZero();
        assertThat(Integer.parseInt(m.group(2))).as(module + "'s gid").isNotZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {"gateway", "bookmark-service", "shard-registry", "dev-issuer"})
    void javaToolOptionsSizeTheHeapByTheContainersMemory(String module) {
        List<String> options = new ArrayList<>();
        for (Instruction env : Dockerfile.all(Dockerfile.of(module).lastStage(), "ENV")) {
            Matcher m = Pattern.compile("JAVA_TOOL_OPTIONS[= ]\"?([^\"]*)\"?").matcher(env.arguments());
            if (m.find()) {
                options.add(m.group(1));
            }
        }

        assertThat(options).as(module + "'s JAVA_TOOL_OPTIONS").hasSize(1);
        assertThat(options.get(0)).as(module + "'s JAVA_TOOL_OPTIONS").containsPattern("-XX:MaxRAMPercentage=\\d+");
    }

    @ParameterizedTest
    @ValueSource(strings = {"gateway", "bookmark-service", "shard-registry", "dev-issuer"})
    void theModuleHasADockerignore(String module) throws IOException {
        Path ignore = Repository.file(module + "/.dockerignore");

        assertThat(ignore).isRegularFile();
        // Without it the whole module (sources, target/classes, every old jar) is sent as the build context.
        assertThat(Files.readAllLines(ignore)).as(module + "/.dockerignore's patterns")
                .anyMatch(l -> !l.isBlank() && !l.startsWith("#"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"gateway", "bookmark-service", "shard-registry", "dev-issuer"})
    void theJarCopiedIsTheModulesOwnArtifact(String module) throws Exception {
        String artifactId = artifactId(Repository.file(module + "/pom.xml"));
        List<String> jars = new ArrayList<>();
        for (Instruction copy : Dockerfile.all(Dockerfile.of(module).instructions(), "COPY")) {
            copy.words().stream().filter(w -> w.startsWith("target/") && w.endsWith(".jar")).forEach(jars::add);
        }

        assertThat(artifactId).as(module + "'s artifactId").isNotBlank();
        assertThat(jars).as(module + "'s COPY of its jar").containsExactly("target/" + artifactId + "-*.jar");
    }

    @ParameterizedTest
    @ValueSource(strings = {"gateway", "bookmark-service", "shard-registry", "dev-issuer"})
    void exposeListsThePortsTheModulesApplicationYmlListensOn(String module) {
        ApplicationYml app = ApplicationYml.of(module);
        Set<Integer> listening = new TreeSet<>();
        listening.add(app.serverPort(Map.of()));
        app.managementServerPort(Map.of()).ifPresent(listening::add);
        Set<Integer> exposed = new TreeSet<>();
        for (Instruction expose : Dockerfile.all(Dockerfile.of(module).lastStage(), "EXPOSE")) {
            for (String word : expose.words()) {
                Matcher m = PORT.matcher(word);
                assertThat(m.matches()).as(module + " " + expose + ": a TCP port").isTrue();
                exposed.add(Integer.parseInt(m.group(1)));
            }
        }

        assertThat(exposed).as(module + "'s EXPOSE").isEqualTo(listening);
    }

    /** The project's own artifactId: the child of project, not of parent. */
    private static String artifactId(Path pom) throws Exception {
        Element project = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(pom.toFile())
                .getDocumentElement();
        for (Node child = project.getFirstChild(); child != null; child = child.getNextSibling()) {
            if (child.getNodeType() == Node.ELEMENT_NODE && child.getNodeName().equals("artifactId")) {
                return child.getTextContent().strip();
            }
        }
        return "";
    }

    private static Command lintJs(Path dockerfile) {
        return Command.run(LINT, "node", LINT.resolve("lint.js").toString(), dockerfile.toString());
    }

    private static Command dockerfilelint(Path dockerfile) {
        return Command.run(LINT, LINT.resolve("node_modules/.bin/dockerfilelint").toString(), dockerfile.toString());
    }
}
