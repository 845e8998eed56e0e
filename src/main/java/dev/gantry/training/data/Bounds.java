package dev.gantry.training.data;

/** An axis-aligned rectangle of the plane. */
public record Bounds(double minX, double maxX, double minY, double maxY) {}
