package dev.gantry.generation.protocol;

import dev.gantry.training.config.FeatureProbe;
import java.util.List;

/** A feature network that passed its validation: its outputs' shapes per side, its parameter count. */
public record FeatureProbeReport(List<FeatureProbe> probes, long parameters) {}
