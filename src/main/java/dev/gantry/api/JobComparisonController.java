package dev.gantry.api;

import dev.gantry.job.FieldError;
import dev.gantry.job.InvalidRequestException;
import dev.gantry.job.JobConflictException;
import dev.gantry.job.JobService;
import dev.gantry.metrics.MetricPoint;
import dev.gantry.metrics.MetricProtocol;
import dev.gantry.metrics.MetricQuery;
import dev.gantry.security.Access;
import dev.gantry.security.ResourceType;
import dev.gantry.security.Role;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Two jobs' evaluation metrics side by side, each at its last evaluation, with their protocols. A
 * value measured under another protocol (another feature network, resize, sample count, reference
 * or image format) is not comparable: the pair is flagged with the fields that differ, and with
 * {@code sameProtocol=true} the request is refused instead.
 */
@RestController
class JobComparisonController {

    private final JobService jobs;
    private final MetricQuery metrics;

    JobComparisonController(JobService jobs, MetricQuery metrics) {
        this.jobs = jobs;
        this.metrics = metrics;
    }

    /** One job's last value of a metric, the step it was measured at, and under which protocol. */
    record Side(long step, double value, String protocol) {}

    /**
     * @param comparable both values exist and share one protocol
     * @param differences the protocol fields that differ (absent when the protocols are equal)
     */
    record Comparison(String name, Side job, Side other, boolean comparable, List<String> differences) {}

    record ComparisonResponse(
            UUID jobId, UUID otherId, List<Comparison> metrics, Map<String, MetricProtocol> protocols) {}

    @Access(role = Role.VIEWER, resource = ResourceType.JOB)
    @GetMapping("/api/v1/jobs/{id}/compare/{otherId}")
    ComparisonResponse compare(
            @PathVariable UUID id,
            @PathVariable UUID otherId,
            @RequestParam(required = false) String names,
            @RequestParam(defaultValue = "false") boolean sameProtocol) {
        List<String> wanted = names == null || names.isBlank()
                ? List.of()
                : List.of(names.split(",")).stream()
                        .map(String::trim)
                        .filter(n -> !n.isEmpty())
                        .toList();
        List<String> notEval =
                wanted.stream().filter(n -> !n.startsWith("eval/")).toList();
        if (!notEval.isEmpty()) {
            throw new InvalidRequestException(List.of(
                    new FieldError("names", "only eval/* metrics carry a protocol and are compared; not " + notEval)));
        }
        jobs.get(id);
        jobs.get(otherId);
        Map<String, MetricPoint> mine = metrics.latestEvaluation(id);
        Map<String, MetricPoint> theirs = metrics.latestEvaluation(otherId);
        TreeSet<String> all = new TreeSet<>(wanted.isEmpty() ? mine.keySet() : wanted);
        if (wanted.isEmpty()) {
            all.addAll(theirs.keySet());
        }
        Map<String, MetricProtocol> protocols = new TreeMap<>();
        List<Comparison> out = new ArrayList<>();
        List<String> mismatched = new ArrayList<>();
        for (String name : all) {
            MetricPoint a = mine.get(name);
            MetricPoint b = theirs.get(name);
            List<String> differences = null;
            boolean comparable = false;
            if (a != null && b != null) {
                differences = a.protocol() == null || b.protocol() == null
                        ? List.of("protocol")
                        : a.protocol().differences(b.protocol());
                comparable = differences.isEmpty();
                if (comparable) {
                    differences = null;
                } else {
                    mismatched.add(name + " (" + String.join(", ", differences) + ")");
                }
            }
            out.add(new Comparison(name, side(a, protocols), side(b, protocols), comparable, differences));
        }
        if (sameProtocol && !mismatched.isEmpty()) {
            throw new JobConflictException("jobs " + id + " and " + otherId
                    + " measured these metrics under different protocols, so their values are not comparable: "
                    + String.join("; ", mismatched));
        }
        return new ComparisonResponse(id, otherId, out, protocols);
    }

    private static Side side(MetricPoint point, Map<String, MetricProtocol> protocols) {
        if (point == null) {
            return null;
        }
        String protocolId = null;
        if (point.protocol() != null) {
            protocolId = point.protocol().id();
            protocols.put(protocolId, point.protocol());
        }
        return new Side(point.step(), point.value(), protocolId);
    }
}
