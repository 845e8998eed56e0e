package dev.gantry.training.eval;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Golden values that a script under scripts/eval wrote to src/test/resources/eval. */
final class GoldenFiles {

    private GoldenFiles() {}

    /** The file's root object, e.g. {@code read("points-golden.json", "points_golden.py")}. */
    static JsonObject read(String file, String script) throws IOException {
        try (InputStream in = GoldenFiles.class.getResourceAsStream("/eval/" + file)) {
            assertThat(in).as(file + ": run scripts/eval/" + script).isNotNull();
            return JsonParser.parseReader(new InputStreamReader(in, StandardCharsets.UTF_8))
                    .getAsJsonObject();
        }
    }

    /** Its {@code cases}, which must be {@code count}: a case lost by the script fails here. */
    static List<JsonObject> cases(JsonObject root, int count) {
        List<JsonObject> cases = new ArrayList<>();
        root.getAsJsonArray("cases").forEach(c -> cases.add(c.getAsJsonObject()));
        assertThat(cases).hasSize(count);
        return cases;
    }
}
