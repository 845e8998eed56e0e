package dev.gantry.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The Grafana dashboard beside the chart, read as Grafana would. That every series it queries is
 * one the server exports is checked against a real scrape in {@link OperatorMetricsTest}.
 */
class GrafanaDashboardTest {

    private final GrafanaDashboard dashboard = GrafanaDashboard.load();

    @Test
    void every_query_uses_the_prometheus_chosen_when_the_dashboard_is_imported() {
        JsonNode variable = dashboard.root().path("templating").path("list").path(0);
        assertThat(variable.path("name").asString()).isEqualTo("datasource");
        assertThat(variable.path("type").asString()).isEqualTo("datasource");
        assertThat(variable.path("query").asString()).isEqualTo("prometheus");
        for (JsonNode panel : dashboard.panels()) {
            if (panel.path("type").asString().equals("row")) {
                continue;
            }
            assertThat(panel.path("targets").isEmpty())
                    .as(panel.path("title").asString())
                    .isFalse();
            for (JsonNode target : panel.path("targets")) {
                assertThat(target.path("datasource").path("uid").asString())
                        .as(panel.path("title").asString())
                        .isEqualTo("${datasource}");
                assertThat(target.path("expr").asString()).isNotBlank();
            }
        }
    }

    @Test
    void panels_have_unique_ids_and_do_not_overlap_on_the_grid() {
        Set<Integer> ids = new HashSet<>();
        Set<String> cells = new HashSet<>();
        for (JsonNode panel : dashboard.panels()) {
            assertThat(ids.add(panel.path("id").asInt()))
                    .as("id %s", panel.path("id"))
                    .isTrue();
            JsonNode at = panel.path("gridPos");
            assertThat(at.path("x").asInt() + at.path("w").asInt()).isLessThanOrEqualTo(24);
            for (int x = at.path("x").asInt();
                    x < at.path("x").asInt() + at.path("w").asInt();
                    x++) {
                for (int y = at.path("y").asInt();
                        y < at.path("y").asInt() + at.path("h").asInt();
                        y++) {
                    assertThat(cells.add(x + "," + y))
                            .as("%s overlaps another panel at %d,%d", panel.path("title"), x, y)
                            .isTrue();
                }
            }
        }
    }

    /**
     * Every server replica reports the same gauges (read from PostgreSQL), while each counted
     * event is counted by one replica: summing gauges would double them with two servers, and a
     * raw counter is not a rate.
     */
    @Test
    void gauges_are_taken_with_max_and_counters_through_rate_or_increase() {
        Pattern maxBy = Pattern.compile(".*max by \\([a-z, ]+\\) \\($");
        int counters = 0;
        int gauges = 0;
        for (String expr : dashboard.expressions()) {
            Matcher m = Pattern.compile("\\bgantry_\\w+").matcher(expr);
            while (m.find()) {
                String name = m.group();
                String before = expr.substring(0, m.start());
                if (List.of("_total", "_bucket", "_sum", "_count").stream().anyMatch(name::endsWith)) {
                    assertThat(before.endsWith("rate(") || before.endsWith("increase("))
                            .as("%s in %s is a counter: rate() or increase()", name, expr)
                            .isTrue();
                    counters++;
                } else {
                    assertThat(maxBy.matcher(before).matches())
                            .as("%s in %s is a gauge every replica reports: max by", name, expr)
                            .isTrue();
                    gauges++;
                }
            }
        }
        assertThat(counters).isGreaterThanOrEqualTo(8);
        assertThat(gauges).isGreaterThanOrEqualTo(5);
    }
}
