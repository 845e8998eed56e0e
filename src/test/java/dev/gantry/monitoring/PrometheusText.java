package dev.gantry.monitoring;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A scrape of {@code /actuator/prometheus} in the text format, read into series. */
record PrometheusText(List<Series> series) {

    record Series(String name, Map<String, String> labels, double value) {}

    private static final Pattern LINE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)})?\\s+(\\S+)$");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\",?");

    static PrometheusText parse(String text) {
        List<Series> series = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            Matcher m = LINE.matcher(line.trim());
            if (!m.matches()) {
                throw new IllegalArgumentException("not a sample line: " + line);
            }
            Map<String, String> labels = new LinkedHashMap<>();
            if (m.group(3) != null) {
                Matcher l = LABEL.matcher(m.group(3));
                while (l.find()) {
                    labels.put(l.group(1), l.group(2));
                }
            }
            series.add(new Series(m.group(1), labels, Double.parseDouble(m.group(4))));
        }
        return new PrometheusText(series);
    }

    /** The series of this name whose labels include all of {@code labels}. */
    List<Series> find(String name, Map<String, String> labels) {
        return series.stream()
                .filter(s -> s.name().equals(name) && s.labels().entrySet().containsAll(labels.entrySet()))
                .toList();
    }

    /** The one series of this name with these labels, if there is one. */
    Optional<Double> value(String name, Map<String, String> labels) {
        List<Series> found = find(name, labels);
        if (found.size() > 1) {
            throw new IllegalStateException(found.size() + " series match " + name + labels);
        }
        return found.stream().map(Series::value).findFirst();
    }

    Optional<Double> value(String name) {
        return value(name, Map.of());
    }
}
