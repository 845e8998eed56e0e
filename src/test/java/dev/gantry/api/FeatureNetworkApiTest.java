package dev.gantry.api;

import static dev.gantry.testsupport.FeatureNetworkUploads.PATH;
import static dev.gantry.testsupport.FeatureNetworkUploads.resource;
import static dev.gantry.testsupport.FeatureNetworkUploads.upload;
import static dev.gantry.testsupport.FeatureNetworkUploads.uploadAndWait;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.storage.ObjectStore;
import dev.gantry.testsupport.FeatureNetworkUploads;
import dev.gantry.testsupport.Http;
import dev.gantry.testsupport.Tenants;
import dev.gantry.testsupport.TestDatabaseInitializer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.ContextConfiguration;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Feature networks through the real server, PostgreSQL, folder store and a real generation
 * process that validates them: the committed test networks become READY with their outputs' shapes,
 * every hostile one FAILED with its reason (the one that never ends costs its process, which is
 * restarted), bad uploads are 4xx naming the field with nothing kept, and a job that names a network
 * keeps it from being deleted. No worker: the jobs here stay QUEUED.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "gantry.worker.local-count=0",
            "gantry.generation.local-count=1",
            // The endless module holds its process this long before the watchdog kills it.
            "gantry.generation.request-timeout=10s",
            "gantry.features.max-module-bytes=1MB"
        })
@ContextConfiguration(initializers = TestDatabaseInitializer.class)
class FeatureNetworkApiTest {

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    ObjectStore store;

    Http http;

    /** Debian's Python; {@code -Dgantry.test.python=…} points elsewhere. */
    static final String PYTHON = System.getProperty("gantry.test.python", "/usr/bin/python3");

    @BeforeEach
    void client() {
        http = new Http(port);
    }

    @Test
    void the_test_networks_are_validated_with_each_outputs_shape() throws Exception {
        JsonNode vgg = uploadAndWait(http, "vgg_tiny");
        assertThat(vgg.get("state").asString()).as(vgg.toString()).isEqualTo("READY");
        assertThat(vgg.get("name").asString()).isEqualTo("vgg-tiny");
        assertThat(vgg.at("/probes/0/side").asInt()).isEqualTo(32);
        assertThat(vgg.at("/probes/0/shapes/relu2_2").toString()).isEqualTo("[16,16,16]");
        assertThat(vgg.at("/probes/1/side").asInt()).isEqualTo(64);
        assertThat(vgg.at("/probes/1/shapes/relu3_2").toString()).isEqualTo("[32,16,16]");
        List<String> order = new ArrayList<>();
        vgg.at("/probes/0/shapes").properties().forEach(e -> order.add(e.getKey()));
        assertThat(order).as("in the descriptor's order").containsExactly("relu1_2", "relu2_2", "relu3_2");
        assertThat(vgg.get("parameters").asLong()).isEqualTo(18184);
        assertThat(vgg.get("moduleSha256").asString()).isEqualTo(sha256(resource("vgg_tiny.pt")));
        assertThat(store.exists("feature-networks/" + vgg.get("moduleSha256").asString()))
                .isTrue();

        JsonNode pooled = uploadAndWait(http, "pooled_tiny");
        assertThat(pooled.get("state").asString()).as(pooled.toString()).isEqualTo("READY");
        assertThat(pooled.at("/probes").toString()).isEqualTo("[{\"side\":48,\"shapes\":{\"pool\":[32]}}]");
        assertThat(pooled.at("/descriptor/input/resize").asString()).isEqualTo("bilinear");

        List<String> listed = new ArrayList<>();
        http.get(PATH)
                .json()
                .get("featureNetworks")
                .forEach(n -> listed.add(n.get("id").asString()));
        assertThat(listed)
                .containsSubsequence(pooled.get("id").asString(), vgg.get("id").asString());
        System.out.println("READY: " + vgg.get("probes") + " / " + pooled.get("probes"));
    }

    @Test
    void hostile_modules_fail_with_their_reason_and_keep_no_object() throws Exception {
        Map<String, String> reasons = new LinkedHashMap<>();
        reasons.put("throws", "the module failed on a probe batch of shape (2, 3, 32, 32)");
        reasons.put("nan", "output relu1_2 has NaN or infinite values");
        reasons.put("wrong_batch", "output relu1_2 has shape (8, 32, 32)");
        reasons.put("missing", "the module returned no output relu1_2");
        reasons.put(
                "not_a_dict",
                "the module failed on a probe batch of shape (2, 3, 32, 32): the module must return a dict");
        reasons.put("dropout", "output relu1_2 differs by");
        reasons.put("detached", "output relu1_2 is cut off from the input");
        reasons.put("endless", "the module did not finish its probe within gantry.generation.request-timeout (10 s)");
        for (Map.Entry<String, String> e : reasons.entrySet()) {
            JsonNode failed = uploadAndWait(http, e.getKey());
            assertThat(failed.get("state").asString()).as(failed.toString()).isEqualTo("FAILED");
            assertThat(failed.get("failureReason").asString()).as(e.getKey()).startsWith(e.getValue());
            assertThat(store.exists(
                            "feature-networks/" + failed.get("moduleSha256").asString()))
                    .as(e.getKey() + ": a failed network keeps no object")
                    .isFalse();
            System.out.println(
                    e.getKey() + " → FAILED: " + failed.get("failureReason").asString());
        }
        // A zip that is no TorchScript gets past the API's check and is refused by libtorch.
        byte[] zip = dev.gantry.testsupport.DatasetFiles.zip(Map.of("a.txt", "not a module".getBytes()));
        Http.Response created = upload(http, "descriptor", resource("vgg_tiny.json"), "module", zip);
        assertThat(created.status()).isEqualTo(201);
        JsonNode notTorchScript =
                FeatureNetworkUploads.awaitDone(http, created.json().get("id").asString());
        assertThat(notTorchScript.get("failureReason").asString())
                .startsWith("not a TorchScript module libtorch can load: ");
        // The process the endless module held was killed and restarted: validation goes on.
        assertThat(uploadAndWait(http, "gray_tiny").get("state").asString()).isEqualTo("READY");
    }

    @Test
    void bad_uploads_are_refused_naming_the_field_and_nothing_is_kept() {
        long rows = rows();
        byte[] vggJson = resource("vgg_tiny.json");
        byte[] vgg = resource("vgg_tiny.pt");
        assertProblem(upload(http, "descriptor", vggJson, "module", "not a zip".getBytes()), 400, "module");
        assertProblem(upload(http, "descriptor", vggJson, "module", new byte[0]), 400, "module");
        assertProblem(upload(http, "module", vgg), 400, "descriptor");
        assertProblem(upload(http, "descriptor", vggJson), 400, "module");
        assertProblem(upload(http, "descriptor", vggJson, "weights", vgg), 400, "weights");
        assertProblem(upload(http, "descriptor", vggJson, "module", vgg, "extra", vggJson), 400, "extra");
        assertProblem(upload(http, "descriptor", "{".getBytes(), "module", vgg), 400, "descriptor");
        assertProblem(upload(http, "descriptor", "null".getBytes(), "module", vgg), 400, "descriptor");
        assertProblem(
                upload(http, "descriptor", json(vggJson, "\"channels\": 3", "\"channels\": \"3\""), "module", vgg),
                400,
                "descriptor.input.channels");
        assertProblem(
                upload(
                        http,
                        "descriptor",
                        json(vggJson, "\"channels\": 3", "\"channels\": 3, \"colour\": 1"),
                        "module",
                        vgg),
                400,
                "descriptor.input.colour");
        Http.Response several = upload(
                http,
                "descriptor",
                json(json(vggJson, "\"channels\": 3", "\"channels\": 2"), "\"relu2_2\"", "\"relu 2\""),
                "module",
                vgg);
        assertProblem(several, 400, "descriptor.input.channels");
        assertThat(fields(several)).containsExactly("descriptor.input.channels", "descriptor.outputs[1]");
        // A huge descriptor is refused at its limit (64 KB), unread beyond it.
        String huge = "{\"name\": \"big\", \"outputs\": [" + "\"a\",".repeat(40_000) + "\"b\"]}";
        assertProblem(upload(http, "descriptor", huge.getBytes(), "module", vgg), 400, "descriptor");
        // A module past gantry.features.max-module-bytes (1 MB here).
        byte[] big = new byte[(1 << 20) + 10];
        big[0] = 'P';
        big[1] = 'K';
        big[2] = 3;
        big[3] = 4;
        assertThat(upload(http, "descriptor", vggJson, "module", big).status()).isEqualTo(413);
        assertProblem(raw("application/json", vggJson), 415, null);
        assertThat(rows()).as("no row for a refused upload").isEqualTo(rows);
        assertThat(http.get(PATH + "/not-a-uuid").status()).isEqualTo(404);
        assertThat(http.delete(PATH + "/00000000-0000-0000-0000-000000000000").status())
                .isEqualTo(404);
    }

    @Test
    void jobs_name_only_ready_networks_and_keep_them_from_being_deleted() throws Exception {
        JsonNode vgg = uploadAndWait(http, "vgg_tiny");
        JsonNode nan = uploadAndWait(http, "nan");
        String id = vgg.get("id").asString();

        Http.Response unknown = submit("00000000-0000-0000-0000-0000000000ff", "{\"relu2_2\": 1}", "");
        assertProblem(unknown, 400, "loss.terms[0].params.network");
        assertThat(unknown.json().at("/errors/0/message").asString()).startsWith("no feature network");
        Http.Response failed = submit(nan.get("id").asString(), "{\"relu1_2\": 1}", "");
        assertThat(failed.json().at("/errors/0/message").asString()).contains("is FAILED (output relu1_2 has NaN");
        Http.Response layer = submit(id, "{\"relu2_2\": 1, \"fc8\": 1}", "");
        assertProblem(layer, 400, "loss.terms[0].params.layers.fc8");
        Http.Response types = submit(id, "{\"relu2_2\": \"1\"}", ", \"distance\": 2, \"gram\": \"1\"");
        assertThat(fields(types))
                .containsExactly(
                        "loss.terms[0].params.layers.relu2_2",
                        "loss.terms[0].params.distance",
                        "loss.terms[0].params.gram");

        Http.Response created = submit(id, "{\"relu1_2\": 1, \"relu3_2\": 0.5}", ", \"distance\": \"l1\"");
        assertThat(created.status()).as(new String(created.bytes())).isEqualTo(201);
        String job = created.json().get("id").asString();
        assertThat(created.json().at("/spec/loss/terms/0/params/layers/relu3_2").asDouble())
                .isEqualTo(0.5);
        assertThat(created.json().at("/spec/loss/terms/0/params/network").asString())
                .isEqualTo(id);

        Http.Response conflict = http.delete(PATH + "/" + id);
        assertThat(conflict.status()).isEqualTo(409);
        assertThat(conflict.json().get("detail").asString()).contains(job);
        assertThat(http.post("/api/v1/jobs/" + job + "/cancel", "").status()).isEqualTo(200);
        assertThat(http.delete(PATH + "/" + id).status()).isEqualTo(204);
        assertThat(http.get(PATH + "/" + id).status()).isEqualTo(404);
        assertThat(store.exists("feature-networks/" + vgg.get("moduleSha256").asString()))
                .as("deleted with its last row")
                .isFalse();
    }

    @Test
    void the_same_module_uploaded_twice_is_stored_once_and_deleted_with_its_last_row() throws Exception {
        JsonNode a = uploadAndWait(http, "gray_tiny");
        JsonNode b = uploadAndWait(http, "gray_tiny");
        String key = "feature-networks/" + a.get("moduleSha256").asString();
        assertThat(b.get("moduleSha256").asString())
                .isEqualTo(a.get("moduleSha256").asString());
        assertThat(http.delete(PATH + "/" + a.get("id").asString()).status()).isEqualTo(204);
        assertThat(store.exists(key)).as("still named by the second row").isTrue();
        assertThat(http.delete(PATH + "/" + b.get("id").asString()).status()).isEqualTo(204);
        assertThat(store.exists(key)).isFalse();
    }

    /**
     * The descriptors {@code export_vgg19.py} and {@code export_inception.py} write are what the
     * upload takes: uploaded with the small VGG-style module, each is accepted (201, not a 400 naming
     * a field), kept as written, probed at its size, and fails only on the outputs the small module
     * lacks. {@code --descriptor-only} needs no torch (the real export needs torchvision and the
     * pretrained weights, which this machine cannot download).
     */
    @Test
    void the_export_scripts_descriptors_are_what_the_upload_takes(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of(PYTHON)), PYTHON + " is missing");
        // The first output the small module lacks, and the probe batch the descriptor asks for.
        Map<String, String> reasons = Map.of(
                "export_vgg19", "relu3_4 on a probe batch of shape (2, 3, 32, 32)",
                "export_inception", "pool3 on a probe batch of shape (2, 3, 299, 299)");
        for (String script : List.of("export_vgg19", "export_inception")) {
            Path prefix = dir.resolve(script);
            Process p = new ProcessBuilder(
                            PYTHON,
                            "scripts/features/" + script + ".py",
                            "--descriptor-only",
                            "--out",
                            prefix.toString())
                    .redirectErrorStream(true)
                    .start();
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor()).as(output).isZero();
            byte[] descriptor = Files.readAllBytes(Path.of(prefix + ".json"));

            Http.Response created = upload(http, "descriptor", descriptor, "module", resource("vgg_tiny.pt"));
            assertThat(created.status()).as(new String(created.bytes())).isEqualTo(201);
            JsonNode done = FeatureNetworkUploads.awaitDone(
                    http, created.json().get("id").asString());
            JsonNode written = JsonMapper.builder().build().readTree(descriptor);
            assertThat(done.at("/descriptor/name")).isEqualTo(written.get("name"));
            assertThat(done.at("/descriptor/outputs")).isEqualTo(written.get("outputs"));
            written.get("input")
                    .properties()
                    .forEach(e -> assertThat(done.at("/descriptor/input/" + e.getKey()))
                            .as(script + " input." + e.getKey())
                            .isEqualTo(e.getValue()));
            assertThat(done.get("failureReason").asString())
                    .as(script)
                    .isEqualTo("the module returned no output " + reasons.get(script)
                            + "; it returned [relu1_2, relu2_2, relu3_2]");
        }
    }

    private Http.Response submit(String network, String layers, String more) {
        return http.post("/api/v1/jobs", """
                {"dataset": "digits", "model": {"width": 8, "latentDim": 16},
                 "loss": {"terms": [{"type": "perceptual", "weight": 10,
                                     "params": {"network": "%s", "layers": %s%s}}]},
                 "training": {"steps": 10, "batchSize": 8, "seed": 3}}
                """.formatted(network, layers, more));
    }

    private Http.Response raw(String contentType, byte[] body) {
        return http.post(PATH, contentType, body);
    }

    private long rows() {
        return jdbc.sql("SELECT count(*) FROM feature_networks")
                .query(Long.class)
                .single();
    }

    private static List<String> fields(Http.Response response) {
        List<String> out = new ArrayList<>();
        response.json().get("errors").forEach(e -> out.add(e.get("field").asString()));
        return out;
    }

    private static void assertProblem(Http.Response response, int status, String field) {
        String body = new String(response.bytes(), StandardCharsets.UTF_8);
        assertThat(response.status()).as(body).isEqualTo(status);
        assertThat(response.contentType()).as(body).startsWith("application/problem+json");
        if (field != null) {
            assertThat(response.json().at("/errors/0/field").asString())
                    .as(body)
                    .isEqualTo(field);
        }
    }

    private static byte[] json(byte[] original, String from, String to) {
        String text = new String(original, StandardCharsets.UTF_8).replaceAll("\\s+", " ");
        assertThat(text).contains(from);
        return text.replace(from, to).getBytes(StandardCharsets.UTF_8);
    }

    static String sha256(byte[] bytes) throws Exception {
        return java.util.HexFormat.of()
                .formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    /** The module's bytes are known only once it has arrived: refused then, its stored object released. */
    @Test
    void an_upload_past_the_projects_stored_bytes_quota_is_a_409_and_keeps_nothing() throws Exception {
        Tenants.Tenant tenant = Tenants.create(http, "fn-quota");
        byte[] module = resource("gray_tiny.pt");
        String key = "feature-networks/"
                + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(module));
        String quotas = "/api/v1/projects/" + tenant.projectId() + "/quotas";
        assertThat(http.put(quotas, "{\"storedBytes\": " + (module.length - 1) + "}")
                        .status())
                .isEqualTo(200);

        Http.Response refused = upload(tenant.http(), "gray_tiny");

        assertThat(refused.status())
                .as(new String(refused.bytes(), StandardCharsets.UTF_8))
                .isEqualTo(409);
        assertThat(refused.json().get("quota").asString()).isEqualTo("storedBytes");
        assertThat(jdbc.sql("SELECT count(*) FROM feature_networks WHERE project_id = ?::uuid")
                        .param(tenant.projectId())
                        .query(Long.class)
                        .single())
                .isZero();
        // Other tests here upload the same module: its object may stay only for their rows.
        long named = jdbc.sql("SELECT count(*) FROM feature_networks WHERE module_key = ?")
                .param(key)
                .query(Long.class)
                .single();
        assertThat(store.exists(key)).isEqualTo(named > 0);

        assertThat(http.put(quotas, "{\"storedBytes\": " + module.length + "}").status())
                .isEqualTo(200);
        assertThat(upload(tenant.http(), "gray_tiny").status()).isEqualTo(201);
    }
}
