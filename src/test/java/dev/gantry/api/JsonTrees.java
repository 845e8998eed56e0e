package dev.gantry.api;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.json.JsonMapper;

/**
 * JSON as plain Java trees (maps, lists, strings, numbers) for {@link HostileSpecs}: paths into
 * them, edits, and a writer that can also write what no JSON library will, a raw token or a key
 * given twice.
 */
final class JsonTrees {

    /** A JSON token written as is: 1e400, NaN, a 10 000-deep array. */
    record Raw(String json) {}

    /** An object written with one of its keys twice. */
    record Duplicated(Map<String, Object> object, String key, Object second) {}

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private JsonTrees() {}

    static Object parse(String json) {
        return JSON.readValue(json, Object.class);
    }

    /** Every path in the tree, the root (the empty path) first; keys are strings, indices integers. */
    static List<List<Object>> paths(Object tree) {
        List<List<Object>> out = new ArrayList<>();
        walk(tree, new ArrayList<>(), out);
        return out;
    }

    private static void walk(Object node, List<Object> path, List<List<Object>> out) {
        out.add(List.copyOf(path));
        if (node instanceof Map<?, ?> map) {
            for (Object key : map.keySet()) {
                path.add(key);
                walk(map.get(key), path, out);
                path.remove(path.size() - 1);
            }
        } else if (node instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) {
                path.add(i);
                walk(list.get(i), path, out);
                path.remove(path.size() - 1);
            }
        }
    }

    /** A path as the API writes it: {@code loss.terms[0].params.clip}. */
    static String show(List<Object> path) {
        StringBuilder out = new StringBuilder();
        for (Object segment : path) {
            if (segment instanceof Integer index) {
                out.append('[').append(index).append(']');
            } else {
                out.append(out.isEmpty() ? "" : ".").append(segment);
            }
        }
        return out.toString();
    }

    static Object get(Object tree, List<Object> path) {
        Object node = tree;
        for (Object segment : path) {
            node = segment instanceof Integer index
                    ? asList(node).get(index)
                    : asObject(node).get(segment);
        }
        return node;
    }

    /** @return the tree with the value at path replaced (the root itself when the path is empty) */
    static Object set(Object tree, List<Object> path, Object value) {
        if (path.isEmpty()) {
            return value;
        }
        Object parent = get(tree, path.subList(0, path.size() - 1));
        Object last = path.get(path.size() - 1);
        if (last instanceof Integer index) {
            asList(parent).set(index, value);
        } else {
            asObject(parent).put((String) last, value);
        }
        return tree;
    }

    static Object copy(Object node) {
        if (node instanceof Map<?, ?> map) {
            Map<String, Object> out = new LinkedHashMap<>();
            map.forEach((k, v) -> out.put((String) k, copy(v)));
            return out;
        }
        if (node instanceof List<?> list) {
            List<Object> out = new ArrayList<>();
            list.forEach(v -> out.add(copy(v)));
            return out;
        }
        return node;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> asObject(Object node) {
        return (Map<String, Object>) node;
    }

    @SuppressWarnings("unchecked")
    static List<Object> asList(Object node) {
        return (List<Object>) node;
    }

    /** Compact JSON; surrogates escaped so a lone one survives, other text raw UTF-8. */
    static String write(Object node) {
        StringBuilder out = new StringBuilder();
        write(node, out);
        return out.toString();
    }

    private static void write(Object node, StringBuilder out) {
        if (node == null) {
            out.append("null");
        } else if (node instanceof Raw raw) {
            out.append(raw.json());
        } else if (node instanceof String text) {
            quote(text, out);
        } else if (node instanceof Map<?, ?> map) {
            out.append('{');
            writeMembers(map, out);
            out.append('}');
        } else if (node instanceof Duplicated duplicated) {
            out.append('{');
            writeMembers(duplicated.object(), out);
            out.append(duplicated.object().isEmpty() ? "" : ",");
            quote(duplicated.key(), out);
            out.append(':');
            write(duplicated.second(), out);
            out.append('}');
        } else if (node instanceof List<?> list) {
            out.append('[');
            for (int i = 0; i < list.size(); i++) {
                out.append(i == 0 ? "" : ",");
                write(list.get(i), out);
            }
            out.append(']');
        } else {
            out.append(node); // numbers and booleans
        }
    }

    private static void writeMembers(Map<?, ?> map, StringBuilder out) {
        boolean first = true;
        for (Map.Entry<?, ?> entry : map.entrySet()) {
            out.append(first ? "" : ",");
            first = false;
            quote((String) entry.getKey(), out);
            out.append(':');
            write(entry.getValue(), out);
        }
    }

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private static void quote(String text, StringBuilder out) {
        out.append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20 || Character.isSurrogate(c)) {
                out.append("\\u")
                        .append(HEX[c >> 12])
                        .append(HEX[(c >> 8) & 0xF])
                        .append(HEX[(c >> 4) & 0xF])
                        .append(HEX[c & 0xF]);
            } else {
                out.append(c);
            }
        }
        out.append('"');
    }
}
