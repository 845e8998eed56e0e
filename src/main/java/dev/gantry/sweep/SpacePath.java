package dev.gantry.sweep;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A path into a job spec as the API names fields, {@code optimizer.discriminator.learningRate} or
 * {@code loss.terms[1].weight}: names separated by dots, each optionally indexed into a list.
 */
record SpacePath(String text, List<Object> steps) {

    private static final Pattern SEGMENT = Pattern.compile("([A-Za-z][A-Za-z0-9_-]{0,63})((?:\\[\\d{1,4}])*)");
    private static final Pattern INDEX = Pattern.compile("\\[(\\d+)]");

    static final int MAX_LENGTH = 200;

    /** @return the path, or empty when it is not of that form */
    static Optional<SpacePath> parse(String text) {
        if (text == null || text.isEmpty() || text.length() > MAX_LENGTH) {
            return Optional.empty();
        }
        List<Object> steps = new ArrayList<>();
        for (String segment : text.split("\\.", -1)) {
            Matcher m = SEGMENT.matcher(segment);
            if (!m.matches()) {
                return Optional.empty();
            }
            steps.add(m.group(1));
            Matcher index = INDEX.matcher(m.group(2));
            while (index.find()) {
                steps.add(Integer.parseInt(index.group(1)));
            }
        }
        return Optional.of(new SpacePath(text, List.copyOf(steps)));
    }

    /**
     * Sets the value in {@code spec}, creating the objects on the way that the spec leaves out. A
     * list must hold the index already: a sweep changes a term of the base, it does not invent one.
     *
     * @return why the path does not fit the spec, or empty once set
     */
    Optional<String> set(ObjectNode spec, JsonNode value) {
        JsonNode node = spec;
        for (int i = 0; i < steps.size(); i++) {
            Object step = steps.get(i);
            boolean last = i == steps.size() - 1;
            Object next = last ? null : steps.get(i + 1);
            if (step instanceof String name) {
                if (!(node instanceof ObjectNode object)) {
                    return Optional.of("'" + name + "' is inside a value that is not an object");
                }
                if (last) {
                    object.set(name, value.deepCopy());
                    return Optional.empty();
                }
                JsonNode child = object.get(name);
                if (child == null || child.isNull()) {
                    if (next instanceof Integer) {
                        return Optional.of("the base spec has no list '" + name + "' to index");
                    }
                    child = object.putObject(name);
                }
                node = child;
            } else {
                int index = (Integer) step;
                if (!(node instanceof ArrayNode array)) {
                    return Optional.of("[" + index + "] indexes a value that is not a list");
                }
                if (index >= array.size()) {
                    return Optional.of("the base spec's list has " + array.size() + " element(s), no [" + index + "]");
                }
                if (last) {
                    array.set(index, value.deepCopy());
                    return Optional.empty();
                }
                node = array.get(index);
            }
        }
        throw new IllegalStateException("empty path");
    }

    /** Whether {@code field}, a path of a validation error, is this path or inside it. */
    boolean covers(String field) {
        return field.equals(text) || field.startsWith(text + ".") || field.startsWith(text + "[");
    }
}
