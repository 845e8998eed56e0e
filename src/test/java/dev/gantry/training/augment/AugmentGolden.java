package dev.gantry.training.augment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.random.RandomGenerator;

/** The cases of {@code scripts/training/augment_golden.py} and a generator that replays their draws. */
final class AugmentGolden {

    private AugmentGolden() {}

    static List<JsonObject> cases() {
        try (InputStream in = AugmentGolden.class.getResourceAsStream("/training/augment-golden.json")) {
            assertNotNull(in, "augment-golden.json is missing: run scripts/training/augment_golden.py");
            JsonArray cases = JsonParser.parseReader(new InputStreamReader(in, StandardCharsets.UTF_8))
                    .getAsJsonObject()
                    .getAsJsonArray("cases");
            return cases.asList().stream().map(e -> e.getAsJsonObject()).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Hands out the case's draws in order and fails when Java asks for another kind of value, for
     * an integer from another range, or for one draw too many: the draw order is part of the
     * contract (a resumed run must redraw the same values).
     */
    static final class Replay implements RandomGenerator {

        private final JsonArray draws;
        private int next;

        Replay(JsonArray draws) {
            this.draws = draws;
        }

        @Override
        public float nextFloat() {
            return take("float").get("value").getAsFloat();
        }

        @Override
        public double nextDouble() {
            return take("double").get("value").getAsDouble();
        }

        @Override
        public int nextInt(int origin, int bound) {
            JsonObject d = take("int");
            assertEquals(d.get("from").getAsInt(), origin, "draw " + (next - 1) + ": origin");
            assertEquals(d.get("to").getAsInt(), bound, "draw " + (next - 1) + ": bound");
            return d.get("value").getAsInt();
        }

        @Override
        public long nextLong() {
            throw new AssertionError("augmentation draws with nextFloat, nextDouble and nextInt(origin, bound) only");
        }

        void assertAllTaken() {
            assertEquals(draws.size(), next, "draws left unused");
        }

        private JsonObject take(String kind) {
            assertTrue(next < draws.size(), "more than the " + draws.size() + " golden draws");
            JsonObject d = draws.get(next).getAsJsonObject();
            assertEquals(kind, d.get("kind").getAsString(), "draw " + next + " is of another kind");
            next++;
            return d;
        }
    }
}
