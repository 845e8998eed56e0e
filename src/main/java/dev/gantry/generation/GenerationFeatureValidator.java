package dev.gantry.generation;

import dev.gantry.features.FeatureNetworkValidator;
import dev.gantry.generation.protocol.FeatureProbeReport;
import dev.gantry.generation.protocol.FeatureProbeRequest;
import dev.gantry.generation.protocol.Frames;
import dev.gantry.generation.protocol.GenerationReply;
import dev.gantry.generation.protocol.GenerationRequest;
import dev.gantry.training.config.FeatureNetworkDescriptor;
import java.io.StreamCorruptedException;
import java.util.List;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.stereotype.Component;

/**
 * Feature networks are validated by the generation processes: they already run libtorch apart from
 * the API and from the training workers (which may be busy for hours), are supervised and restarted,
 * and guard every request with a timeout. A validation waits longer for a free process than a
 * draw does ({@code gantry.features.acquire-wait}); a module that crashes or hangs the process is
 * refused with that reason.
 */
@Component
// The condition of GenerationProcesses: validate where there are generation processes.
@ConditionalOnExpression("'${gantry.role:server}' == 'server' && ${gantry.generation.local-count:1} > 0")
class GenerationFeatureValidator implements FeatureNetworkValidator {

    private final GenerationProcesses processes;
    private final GenerationProperties generation;
    private final java.time.Duration acquireWait;

    GenerationFeatureValidator(
            GenerationProcesses processes,
            GenerationProperties generation,
            dev.gantry.features.FeatureNetworkProperties features) {
        this.processes = processes;
        this.generation = generation;
        this.acquireWait = features.acquireWait();
    }

    @Override
    public Result validate(byte[] module, FeatureNetworkDescriptor descriptor, List<Integer> sides) {
        Frames.Frame<GenerationReply> reply;
        try {
            reply = processes.probe(
                    GenerationRequest.probe(new FeatureProbeRequest(descriptor, sides)), module, acquireWait);
        } catch (GenerationLostException e) {
            return new Result(
                    List.of(),
                    0,
                    e.timedOut()
                            ? "the module did not finish its probe within gantry.generation.request-timeout ("
                                    + generation.requestTimeout().toSeconds()
                                    + " s); the process running it was stopped"
                            : "the module crashed the process validating it");
        } catch (GenerationBusyException | GenerationUnavailableException e) {
            throw new Unavailable(e.getMessage());
        }
        GenerationReply header = reply.header();
        if (header.kind() != GenerationReply.Kind.OK) {
            return new Result(List.of(), 0, header.message());
        }
        try {
            FeatureProbeReport report = Frames.json(reply.body(), FeatureProbeReport.class);
            return new Result(report.probes(), report.parameters(), null);
        } catch (StreamCorruptedException e) {
            throw new IllegalStateException("the generation process answered an unreadable probe report", e);
        }
    }
}
