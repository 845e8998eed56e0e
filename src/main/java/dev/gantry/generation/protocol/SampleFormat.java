package dev.gantry.generation.protocol;

/** What a generation process returns: a PNG, an NPY float32 array, or JSON points (2-D data only). */
public enum SampleFormat {
    PNG,
    NPY,
    JSON
}
