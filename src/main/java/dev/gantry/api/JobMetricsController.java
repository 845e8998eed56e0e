package dev.gantry.api;

import dev.gantry.job.FieldError;
import dev.gantry.job.InvalidRequestException;
import dev.gantry.job.JobService;
import dev.gantry.metrics.MetricPoint;
import dev.gantry.metrics.MetricProtocol;
import dev.gantry.metrics.MetricQuery;
import dev.gantry.security.Access;
import dev.gantry.security.ResourceType;
import dev.gantry.security.Role;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Pattern;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

@RestController
class JobMetricsController {

    static final int MAX_POINTS = 20_000;
    static final int MAX_NAMES = 100;
    static final int MAX_NAME_LENGTH = 200;
    private static final Pattern CONTROL = Pattern.compile("\\p{Cntrl}");

    private final JobService jobs;
    private final MetricQuery metrics;

    JobMetricsController(JobService jobs, MetricQuery metrics) {
        this.jobs = jobs;
        this.metrics = metrics;
    }

    /** @param protocol the id of the protocol an {@code eval/*} value was measured under; absent otherwise */
    record Point(long step, double value, String protocol) {}

    /**
     * @param bucketSteps absent when {@code points} are every point in range; else the buckets'
     *     width, a power of two: bucket j holds steps {@code j·bucketSteps … (j+1)·bucketSteps − 1}
     *     (within the range) and is drawn by its lowest and its highest point
     */
    record Series(String name, Long bucketSteps, List<Point> points) {}

    /** @param protocols every protocol a point names, by id */
    record MetricsResponse(
            UUID jobId, List<String> available, List<Series> series, Map<String, MetricProtocol> protocols) {}

    /**
     * Curves of a job. With more points in range than {@code maxPoints}, a series is thinned to
     * aligned buckets of {@code bucketSteps} steps that keep their minimum and maximum, so spikes
     * survive downsampling.
     */
    @Access(role = Role.VIEWER, resource = ResourceType.JOB)
    @GetMapping("/api/v1/jobs/{id}/metrics")
    MetricsResponse metrics(
            @PathVariable UUID id,
            @RequestParam(required = false) String names,
            @RequestParam(required = false) Long fromStep,
            @RequestParam(required = false) Long toStep,
            @RequestParam(defaultValue = "1000") int maxPoints) {
        List<FieldError> errors = new ArrayList<>();
        if (maxPoints < 2 || maxPoints > MAX_POINTS) {
            errors.add(new FieldError("maxPoints", "must be between 2 and " + MAX_POINTS));
        }
        if (fromStep != null && fromStep < 0) {
            errors.add(new FieldError("fromStep", "must be 0 or more"));
        }
        if (toStep != null && toStep < 0) {
            errors.add(new FieldError("toStep", "must be 0 or more"));
        }
        if (fromStep != null && toStep != null && toStep < fromStep) {
            errors.add(new FieldError("toStep", "must not be less than fromStep"));
        }
        List<String> wanted = names == null || names.isBlank()
                ? List.of()
                : Arrays.stream(names.split(","))
                        .map(String::trim)
                        .filter(n -> !n.isEmpty())
                        .toList();
        // Metric names are short and printable: anything else is a client bug (and a NUL fails the
        // query). Checked before trimming, which would silently drop a NUL or a newline.
        if (names != null && CONTROL.matcher(names).find()) {
            errors.add(new FieldError("names", "must not contain control characters"));
        } else if (wanted.size() > MAX_NAMES) {
            errors.add(new FieldError("names", "at most " + MAX_NAMES + " names"));
        } else if (wanted.stream().anyMatch(n -> n.length() > MAX_NAME_LENGTH)) {
            errors.add(new FieldError("names", "each name must be at most " + MAX_NAME_LENGTH + " characters"));
        }
        if (!errors.isEmpty()) {
            throw new InvalidRequestException(errors);
        }
        jobs.get(id);
        Map<String, MetricQuery.Series> found = metrics.curves(id, wanted, fromStep, toStep, maxPoints);
        Map<MetricProtocol, String> ids = new HashMap<>();
        Map<String, MetricProtocol> protocols = new TreeMap<>();
        List<Series> series = found.values().stream()
                .map(s -> new Series(
                        s.name(),
                        s.bucketSteps(),
                        s.points().stream()
                                .map(p -> new Point(p.step(), p.value(), protocolId(p, ids, protocols)))
                                .toList()))
                .toList();
        return new MetricsResponse(id, metrics.names(id), series, protocols);
    }

    private static String protocolId(
            MetricPoint point, Map<MetricProtocol, String> ids, Map<String, MetricProtocol> protocols) {
        if (point.protocol() == null) {
            return null;
        }
        String protocolId = ids.computeIfAbsent(point.protocol(), MetricProtocol::id);
        protocols.put(protocolId, point.protocol());
        return protocolId;
    }
}
