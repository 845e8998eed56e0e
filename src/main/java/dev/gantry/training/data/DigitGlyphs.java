package dev.gantry.training.data;

import java.util.List;

/**
 * The ten digits as pen strokes in a unit box (y down), two or three styles each as people write
 * them: a 1 with and without a flag and a base, a 7 with and without a bar, an open and a closed 4,
 * a 3 with a round or a flat top, and so on.
 */
final class DigitGlyphs {

    static final int[] STYLES = {2, 3, 2, 2, 2, 2, 2, 3, 2, 2};

    private DigitGlyphs() {}

    static List<double[]> strokes(int digit, int style, SeededRandom rng, double jitter) {
        GlyphPath p = new GlyphPath(rng, jitter);
        switch (digit) {
            case 0 -> {
                if (style == 0) {
                    p.arc(0.5, 0.5, 0.27, 0.42, 90, 450);
                } else {
                    // Narrower, and the pen overshoots where it started.
                    p.arc(0.5, 0.5, 0.21, 0.41, 100, 480);
                }
            }
            case 1 -> {
                if (style == 0) {
                    p.moveTo(0.5, 0.08).lineTo(0.5, 0.92);
                } else {
                    p.moveTo(0.3, 0.27).lineTo(0.53, 0.08).lineTo(0.53, 0.92);
                    if (style == 2) {
                        p.moveTo(0.32, 0.92).lineTo(0.74, 0.92);
                    }
                }
            }
            case 2 -> {
                if (style == 0) {
                    p.arc(0.5, 0.3, 0.25, 0.22, 160, -20).lineTo(0.22, 0.92).lineTo(0.8, 0.92);
                } else {
                    p.arc(0.5, 0.3, 0.25, 0.22, 170, 0)
                            .curveTo(0.75, 0.55, 0.3, 0.7, 0.2, 0.9)
                            .lineTo(0.82, 0.88);
                }
            }
            case 3 -> {
                if (style == 0) {
                    p.arc(0.48, 0.28, 0.24, 0.2, 150, -90).arc(0.48, 0.7, 0.27, 0.22, 90, -150);
                } else {
                    p.moveTo(0.25, 0.08).lineTo(0.75, 0.08).lineTo(0.45, 0.42).arc(0.48, 0.66, 0.27, 0.25, 110, -150);
                }
            }
            case 4 -> {
                if (style == 0) {
                    p.moveTo(0.66, 0.92).lineTo(0.66, 0.08).lineTo(0.16, 0.66).lineTo(0.84, 0.66);
                } else {
                    p.moveTo(0.3, 0.08).lineTo(0.22, 0.62).lineTo(0.82, 0.62);
                    p.moveTo(0.66, 0.3).lineTo(0.66, 0.92);
                }
            }
            case 5 -> {
                if (style == 0) {
                    p.moveTo(0.76, 0.08).lineTo(0.32, 0.08).lineTo(0.28, 0.46).arc(0.5, 0.68, 0.26, 0.24, 130, -150);
                } else {
                    // The bar is added after the body, as a separate stroke.
                    p.moveTo(0.32, 0.08).lineTo(0.28, 0.46).arc(0.5, 0.68, 0.26, 0.24, 130, -150);
                    p.moveTo(0.32, 0.08).lineTo(0.78, 0.1);
                }
            }
            case 6 -> {
                if (style == 0) {
                    p.moveTo(0.7, 0.08)
                            .curveTo(0.45, 0.18, 0.27, 0.42, 0.27, 0.68)
                            .arc(0.5, 0.69, 0.23, 0.22, 180, 540);
                } else {
                    p.moveTo(0.64, 0.08).lineTo(0.29, 0.62).arc(0.5, 0.7, 0.22, 0.21, 165, 525);
                }
            }
            case 7 -> {
                if (style == 2) {
                    p.moveTo(0.2, 0.12).lineTo(0.8, 0.1).curveTo(0.6, 0.35, 0.5, 0.6, 0.48, 0.92);
                } else {
                    p.moveTo(0.2, 0.1).lineTo(0.8, 0.1).lineTo(0.42, 0.92);
                    if (style == 1) {
                        p.moveTo(0.4, 0.5).lineTo(0.76, 0.5);
                    }
                }
            }
            case 8 -> {
                if (style == 0) {
                    p.arc(0.5, 0.28, 0.2, 0.19, 270, 630);
                    p.lift();
                    p.arc(0.5, 0.7, 0.25, 0.22, 90, 450);
                } else {
                    p.arc(0.5, 0.27, 0.23, 0.19, -90, 270);
                    p.lift();
                    p.arc(0.5, 0.71, 0.22, 0.21, 90, 450);
                }
            }
            case 9 -> {
                if (style == 0) {
                    p.arc(0.5, 0.3, 0.23, 0.21, 0, 360).lineTo(0.72, 0.92);
                } else {
                    p.arc(0.5, 0.3, 0.23, 0.21, 0, 360).curveTo(0.74, 0.6, 0.62, 0.9, 0.36, 0.92);
                }
            }
            default -> throw new IllegalArgumentException("not a digit: " + digit);
        }
        return p.strokes();
    }
}
