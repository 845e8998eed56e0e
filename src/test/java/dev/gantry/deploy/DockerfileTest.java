package dev.gantry.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The Dockerfile, checked statically: no Docker engine runs on these machines (`.ci/run` builds the
 * image where one does). What is checked is what a reader would check: the stages and how the
 * build argument picks them, the user, the health check, the form of the entry point, the layer
 * order, and that every file copied from the build context exists and is not ignored.
 */
class DockerfileTest {

    static final Path ROOT = Path.of("").toAbsolutePath();
    private static final Dockerfiles DOCKERFILE = read();

    private static Dockerfiles read() {
        try {
            return Dockerfiles.parse(Files.readString(ROOT.resolve("Dockerfile")));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void it_builds_with_the_maven_wrapper_and_runs_the_extracted_layered_jar_in_the_last_stage() {
        assertThat(DOCKERFILE.stages())
                .containsSubsequence("build", "extract", "run")
                .last()
                .isEqualTo("run");
        assertThat(DOCKERFILE.in("build"))
                .anySatisfy(i -> assertThat(i.arguments()).contains("./mvnw").contains("package"));
        assertThat(DOCKERFILE.in("extract"))
                .anySatisfy(i ->
                        assertThat(i.arguments()).contains("-Djarmode=tools").contains("extract --layers"));
        assertThat(DOCKERFILE.in("run"))
                .noneSatisfy(i -> assertThat(i.arguments()).contains("mvnw"));
    }

    @Test
    void the_flavor_argument_selects_cpu_or_cuda_natives_and_base_and_defaults_to_cpu() {
        assertThat(DOCKERFILE.all("ARG").get(0).arguments()).isEqualTo("FLAVOR=cpu");
        List<String> stages = DOCKERFILE.stages();
        for (String flavor : List.of("cpu", "cuda")) {
            assertThat(stages).contains("natives-" + flavor, "run-" + flavor);
        }
        assertThat(DOCKERFILE.all("FROM"))
                .extracting(Dockerfiles.Instruction::arguments)
                .contains("natives-${FLAVOR} AS natives", "run-${FLAVOR} AS run");
        // The CUDA build of libtorch is fetched at image build, then used offline.
        assertThat(String.join(
                        "\n",
                        DOCKERFILE.in("natives-cuda").stream()
                                .map(Dockerfiles.Instruction::arguments)
                                .toList()))
                .contains("PYTORCH_FLAVOR=cu128", "-Dai.djl.offline=false", "EngineCheck");
        assertThat(DOCKERFILE.in("run-cuda"))
                .anySatisfy(i -> assertThat(i.arguments()).contains("PYTORCH_FLAVOR=cu128"));
    }

    @Test
    void it_runs_as_a_non_root_user_with_a_data_volume_and_a_liveness_health_check() {
        List<Dockerfiles.Instruction> run = DOCKERFILE.in("run");
        List<String> users = run.stream()
                .filter(i -> i.keyword().equals("USER"))
                .map(Dockerfiles.Instruction::arguments)
                .toList();
        assertThat(users).hasSize(1);
        assertThat(users.get(0).split(":")[0]).isNotIn("root", "0");
        assertThat(run)
                .anySatisfy(i -> assertThat(i.keyword() + " " + i.arguments())
                        .startsWith("VOLUME")
                        .contains("/data"));
        assertThat(run).anySatisfy(i -> {
            assertThat(i.keyword()).isEqualTo("HEALTHCHECK");
            assertThat(i.arguments()).contains("/actuator/health/liveness");
        });
        assertThat(run)
                .anySatisfy(i -> assertThat(i.keyword() + " " + i.arguments()).isEqualTo("ENV GANTRY_DATA_DIR=/data"));
    }

    @Test
    void the_entry_point_is_exec_form_so_sigterm_reaches_the_jvm() {
        List<Dockerfiles.Instruction> entry = DOCKERFILE.in("run").stream()
                .filter(i -> i.keyword().equals("ENTRYPOINT"))
                .toList();
        assertThat(entry).hasSize(1);
        JsonNode argv = JsonMapper.builder().build().readTree(entry.get(0).arguments());
        assertThat(argv.isArray())
                .as("exec form is a JSON array, not a shell string")
                .isTrue();
        List<String> words = argv.valueStream().map(JsonNode::asString).toList();
        assertThat(words.get(0)).isEqualTo("java");
        assertThat(words).contains("-Dai.djl.offline=true", "-jar", "application.jar");
        assertThat(words).anySatisfy(w -> assertThat(w).matches("-XX:MaxRAMPercentage=\\d+(\\.\\d+)?"));
        assertThat(words).noneSatisfy(w -> assertThat(w).startsWith("-Xmx"));
    }

    @Test
    void the_layers_are_copied_in_order_of_change_with_the_application_last() {
        List<String> copies = DOCKERFILE.in("run").stream()
                .filter(i -> i.keyword().equals("COPY"))
                .map(Dockerfiles.Instruction::arguments)
                .toList();
        List<String> layers = copies.stream()
                .map(c -> {
                    Matcher m = Pattern.compile("/extracted/([a-z-]+)/").matcher(c);
                    return m.find() ? m.group(1) : null;
                })
                .filter(java.util.Objects::nonNull)
                .toList();
        assertThat(layers)
                .containsExactly("dependencies", "spring-boot-loader", "snapshot-dependencies", "application");
        assertThat(copies.get(copies.size() - 1)).contains("/extracted/application/");
    }

    @Test
    void every_file_copied_from_the_build_context_exists_and_is_not_ignored() throws Exception {
        List<String> ignore = Files.readAllLines(ROOT.resolve(".dockerignore")).stream()
                .map(String::strip)
                .filter(l -> !l.isEmpty() && !l.startsWith("#"))
                .toList();
        assertThat(ignore)
                .as("everything is ignored but what is let in")
                .first()
                .isEqualTo("*");
        List<String> allowed = ignore.stream()
                .filter(l -> l.startsWith("!"))
                .map(l -> l.substring(1).replaceAll("/$", ""))
                .toList();
        List<Dockerfiles.Instruction> fromContext = DOCKERFILE.all("COPY").stream()
                .filter(i -> !i.arguments().startsWith("--from"))
                .toList();
        assertThat(fromContext).isNotEmpty();
        for (Dockerfiles.Instruction copy : fromContext) {
            String[] words = copy.arguments().split("\\s+");
            for (int k = 0; k < words.length - 1; k++) {
                String source = words[k].replaceAll("/$", "");
                assertThat(ROOT.resolve(source)).as("COPY source %s", source).exists();
                assertThat(allowed)
                        .as("%s is let through .dockerignore", source)
                        .contains(source);
            }
        }
    }
}
