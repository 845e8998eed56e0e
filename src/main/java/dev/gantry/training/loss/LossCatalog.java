package dev.gantry.training.loss;

import static dev.gantry.training.loss.TermParam.Rule.FLAG;
import static dev.gantry.training.loss.TermParam.Rule.LAYER_COUNT;
import static dev.gantry.training.loss.TermParam.Rule.LAYER_INDEX;
import static dev.gantry.training.loss.TermParam.Rule.NON_NEGATIVE;
import static dev.gantry.training.loss.TermParam.Rule.ONE_OR_TWO;
import static dev.gantry.training.loss.TermParam.Rule.POSITIVE;

import dev.gantry.training.config.ConfigViolation;
import dev.gantry.training.config.LossConfig;
import dev.gantry.training.config.TermConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every adversarial loss and term Gantry knows, one descriptor each, and the rules a {@link
 * LossConfig} must follow. The formulas and papers are in each implementation's class comment.
 */
public final class LossCatalog {

    public static final double MAX_LABEL_SMOOTHING = 0.5;

    /** Layers of the perceptual loss's feature network, at most. */
    public static final int MAX_FEATURE_LAYERS = 8;

    private static final String LAYER_TEXT =
            "D's hidden layer whose features are compared (0 the first, -1 the last); image features are"
                    + " averaged over space";

    public static final List<AdversarialDescriptor> ADVERSARIAL = List.of(
            new AdversarialDescriptor(
                    "non-saturating",
                    true,
                    "Goodfellow et al. 2014 with the non-saturating generator loss",
                    NonSaturatingLoss::new),
            new AdversarialDescriptor(
                    "minimax", true, "Goodfellow et al. 2014, the original minimax generator loss", MinimaxLoss::new),
            new AdversarialDescriptor(
                    "least-squares", false, "LSGAN (Mao et al. 2017), a=0, b=1, c=1", s -> new LeastSquaresLoss()),
            new AdversarialDescriptor(
                    "wasserstein",
                    false,
                    "WGAN critic (Arjovsky et al. 2017): E[D(fake)] − E[D(real)]",
                    s -> new WassersteinLoss()),
            new AdversarialDescriptor(
                    "hinge", false, "hinge loss (Lim and Ye 2017; Miyato et al. 2018)", s -> new HingeLoss()),
            new AdversarialDescriptor(
                    "rsgan",
                    false,
                    "relativistic standard GAN (Jolicoeur-Martineau 2018)",
                    s -> new RelativisticLoss()),
            new AdversarialDescriptor(
                    "rasgan",
                    false,
                    "relativistic average standard GAN (Jolicoeur-Martineau 2018)",
                    s -> new RelativisticAverageLoss()),
            new AdversarialDescriptor(
                    "ralsgan",
                    false,
                    "relativistic average least-squares GAN (Jolicoeur-Martineau 2018)",
                    s -> new RelativisticAverageLeastSquaresLoss()),
            new AdversarialDescriptor(
                    "rahinge",
                    false,
                    "relativistic average hinge GAN (Jolicoeur-Martineau 2018)",
                    s -> new RelativisticAverageHingeLoss()));

    public static final List<TermDescriptor> TERMS = List.of(
            new TermDescriptor(
                    "weight-clipping",
                    Side.DISCRIMINATOR,
                    true,
                    false,
                    List.of(new TermParam("clip", 0.01, POSITIVE, "every D parameter is clipped to [−clip, clip]")),
                    "WGAN's weight clipping after every D update (Arjovsky et al. 2017); a constraint: weight 1,"
                            + " no curve",
                    (v, f) -> new WeightClipping(v.get("clip"))),
            new TermDescriptor(
                    "gradient-penalty",
                    Side.DISCRIMINATOR,
                    false,
                    true,
                    List.of(
                            new TermParam("target", 1.0, NON_NEGATIVE, "the gradient norm aimed at"),
                            new TermParam("oneSided", 0.0, FLAG, "1 penalizes only norms above the target")),
                    "WGAN-GP (Gulrajani et al. 2017) on per-sample interpolates of real and generated data",
                    (v, f) -> new GradientPenalty(v.get("target"), v.get("oneSided") != 0)),
            new TermDescriptor(
                    "r1",
                    Side.DISCRIMINATOR,
                    false,
                    true,
                    List.of(),
                    "½·E‖∇D‖² on real data (Mescheder et al. 2018); the weight is γ",
                    (v, f) -> ZeroCenteredPenalty.r1()),
            new TermDescriptor(
                    "r2",
                    Side.DISCRIMINATOR,
                    false,
                    true,
                    List.of(),
                    "½·E‖∇D‖² on generated data (Mescheder et al. 2018); the weight is γ",
                    (v, f) -> ZeroCenteredPenalty.r2()),
            new TermDescriptor(
                    "dragan",
                    Side.DISCRIMINATOR,
                    false,
                    true,
                    List.of(
                            new TermParam(
                                    "c", 0.5, POSITIVE, "perturbation scale, in standard deviations of the batch"),
                            new TermParam("k", 1.0, NON_NEGATIVE, "the gradient norm aimed at")),
                    "DRAGAN's gradient penalty around the real data (Kodali et al. 2017)",
                    (v, f) -> new DraganPenalty(v.get("c"), v.get("k"))),
            new TermDescriptor(
                    "feature-matching",
                    Side.GENERATOR,
                    false,
                    false,
                    List.of(new TermParam("layer", -1.0, LAYER_INDEX, LAYER_TEXT)),
                    "feature matching (Salimans et al. 2016): batch means of D's features",
                    (v, f) -> new FeatureMatching(v.whole("layer"))),
            new TermDescriptor(
                    "reconstruction",
                    Side.GENERATOR,
                    false,
                    false,
                    List.of(new TermParam("p", 1.0, ONE_OR_TWO, "1: L1, 2: mean squared error")),
                    "pixel (or coordinate) distance between generated sample i and real sample i",
                    (v, f) -> new ReconstructionLoss(v.whole("p"))),
            new TermDescriptor(
                    "contrastive",
                    Side.GENERATOR,
                    false,
                    false,
                    List.of(
                            new TermParam("layer", -1.0, LAYER_INDEX, LAYER_TEXT),
                            new TermParam(
                                    "margin", 1.0, POSITIVE, "distance beyond which generated pairs cost nothing")),
                    "contrastive loss (Hadsell et al. 2006) on D's features: (fake, real) pairs pulled together,"
                            + " (fake, fake) pairs pushed apart",
                    (v, f) -> new ContrastiveLoss(v.whole("layer"), v.get("margin"))),
            new TermDescriptor(
                    "perceptual",
                    Side.GENERATOR,
                    false,
                    false,
                    List.of(new TermParam("layers", 2.0, LAYER_COUNT, "layers of the feature network compared")),
                    "MSE between features of a frozen random network seeded from the job (Johnson et al. 2016)",
                    (v, f) -> new PerceptualLoss(f.apply(v.whole("layers")), v.whole("layers"))));

    private LossCatalog() {}

    public static Optional<AdversarialDescriptor> adversarial(String name) {
        return ADVERSARIAL.stream().filter(d -> d.name().equals(name)).findFirst();
    }

    public static Optional<TermDescriptor> term(String name) {
        return TERMS.stream().filter(d -> d.name().equals(name)).findFirst();
    }

    public static List<String> adversarialNames() {
        return ADVERSARIAL.stream().map(AdversarialDescriptor::name).toList();
    }

    public static List<String> termNames() {
        return TERMS.stream().map(TermDescriptor::name).toList();
    }

    /**
     * The loss config's violations under {@code loss.*} paths.
     *
     * @param discriminatorLayers hidden layers of the configured discriminator, for {@code layer}
     *     parameters; 0 when unknown
     */
    public static List<ConfigViolation> validate(LossConfig loss, int discriminatorLayers) {
        List<ConfigViolation> out = new ArrayList<>();
        Optional<AdversarialDescriptor> adversarial = adversarial(loss.adversarial());
        if (adversarial.isEmpty()) {
            out.add(new ConfigViolation("loss.adversarial", "must be one of " + sorted(adversarialNames())));
        }
        double s = loss.labelSmoothing();
        if (!(s >= 0 && s < MAX_LABEL_SMOOTHING)) {
            out.add(new ConfigViolation("loss.labelSmoothing", "must be in [0, " + MAX_LABEL_SMOOTHING + ")"));
        } else if (s > 0 && adversarial.isPresent() && !adversarial.get().labelSmoothing()) {
            out.add(new ConfigViolation(
                    "loss.labelSmoothing",
                    "label smoothing applies to the minimax and non-saturating losses (a cross-entropy on a real "
                            + "target), not to " + loss.adversarial() + "; set it to 0"));
        }
        for (int i = 0; i < loss.terms().size(); i++) {
            term(out, "loss.terms[" + i + "]", loss.terms().get(i), discriminatorLayers);
        }
        return out;
    }

    private static void term(List<ConfigViolation> out, String path, TermConfig t, int discriminatorLayers) {
        if (t == null) {
            out.add(new ConfigViolation(path, "is required"));
            return;
        }
        Optional<TermDescriptor> found = term(t.type());
        if (found.isEmpty()) {
            out.add(new ConfigViolation(path + ".type", "must be one of " + sorted(termNames())));
            return;
        }
        TermDescriptor d = found.get();
        if (d.constraint()) {
            if (t.weight() != 1.0) {
                out.add(new ConfigViolation(path + ".weight", t.type() + " is a constraint; its weight must be 1"));
            }
            if (t.adaptive()) {
                out.add(new ConfigViolation(
                        path + ".adaptive",
                        t.type() + " is a constraint with no loss to scale; it cannot be adaptive"));
            }
        } else if (!Double.isFinite(t.weight()) || t.weight() < 0) {
            out.add(new ConfigViolation(path + ".weight", "must be a finite number >= 0"));
        }
        for (Map.Entry<String, Double> p : t.params().entrySet()) {
            String field = path + ".params." + p.getKey();
            Optional<TermParam> param =
                    d.params().stream().filter(q -> q.name().equals(p.getKey())).findFirst();
            if (param.isEmpty()) {
                out.add(new ConfigViolation(
                        field,
                        "unknown parameter of " + t.type() + "; known: "
                                + sorted(
                                        d.params().stream().map(TermParam::name).toList())));
            } else if (p.getValue() == null || !Double.isFinite(p.getValue())) {
                out.add(new ConfigViolation(field, "must be a finite number"));
            } else {
                String problem = param.get().problem(p.getValue(), discriminatorLayers);
                if (problem != null) {
                    out.add(new ConfigViolation(field, problem));
                }
            }
        }
    }

    private static List<String> sorted(List<String> names) {
        return names.stream().sorted().toList();
    }
}
