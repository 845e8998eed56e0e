package dev.gantry.monitoring;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** helm/grafana/gantry-dashboard.json: its panels and the PromQL of their queries. */
record GrafanaDashboard(JsonNode root) {

    static final Path FILE = Path.of("helm/grafana/gantry-dashboard.json").toAbsolutePath();
    private static final Pattern METRIC = Pattern.compile("\\bgantry_[a-z0-9_]+");

    static GrafanaDashboard load() {
        try {
            return new GrafanaDashboard(JsonMapper.builder().build().readTree(FILE.toFile()));
        } catch (tools.jackson.core.JacksonException e) {
            throw new UncheckedIOException(new IOException("reading " + FILE, e));
        }
    }

    List<JsonNode> panels() {
        List<JsonNode> panels = new ArrayList<>();
        root.path("panels").forEach(panels::add);
        return panels;
    }

    List<String> expressions() {
        List<String> exprs = new ArrayList<>();
        for (JsonNode panel : panels()) {
            panel.path("targets").forEach(t -> exprs.add(t.path("expr").asString()));
        }
        return exprs;
    }

    /** The series names the queries read, as Prometheus spells them. */
    Set<String> metricNames() {
        Set<String> names = new TreeSet<>();
        for (String expr : expressions()) {
            Matcher m = METRIC.matcher(expr);
            while (m.find()) {
                names.add(m.group());
            }
        }
        return names;
    }
}
