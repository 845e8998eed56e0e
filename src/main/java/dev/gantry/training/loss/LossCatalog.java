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

    /** Layers of the random perceptual loss's feature network, at most. */
    public static final int MAX_FEATURE_LAYERS = 8;

    /** Outputs one perceptual term may weigh, at most. */
    public static final int MAX_WEIGHTED_OUTPUTS = 64;

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
                    List.of(
                            new TermParam(
                                    "network",
                                    TermParam.Kind.TEXT,
                                    null,
                                    TermParam.Rule.FEATURE_NETWORK,
                                    "the uploaded feature network whose outputs are compared"),
                            new TermParam(
                                    "layers",
                                    TermParam.Kind.WEIGHTS,
                                    null,
                                    TermParam.Rule.NETWORK_OUTPUTS,
                                    "its outputs compared and their weights, e.g. {\"relu2_2\": 1, \"relu5_4\": 1}"),
                            new TermParam(
                                    "distance",
                                    TermParam.Kind.TEXT,
                                    "mse",
                                    TermParam.Rule.DISTANCE,
                                    "mse (Johnson et al.'s feature reconstruction) or l1"),
                            new TermParam(
                                    "gram",
                                    0.0,
                                    FLAG,
                                    "1 compares Gram matrices of the outputs (style reconstruction) instead")),
                    "Johnson et al. 2016 on an uploaded pretrained network (VGG19's ReLU taps): generated image i"
                            + " against real image i in its outputs; images normalised as its descriptor says",
                    (v, r) -> new PerceptualLoss(
                            r.featureNetwork(v.text("network")),
                            positive(v.weights("layers")),
                            v.text("distance"),
                            v.get("gram") != 0),
                    PerceptualChecks::problems),
            new TermDescriptor(
                    "perceptual-random",
                    Side.GENERATOR,
                    false,
                    false,
                    List.of(new TermParam("layers", 2.0, LAYER_COUNT, "layers of the feature network compared")),
                    "MSE between features of a frozen random network seeded from the job: for 2-D points, where"
                            + " no pretrained network exists (Johnson et al. 2016)",
                    (v, r) -> new RandomPerceptualLoss(r.randomFeatures(v.whole("layers")), v.whole("layers"))));

    /** A weight of 0 turns a layer off; the catalog ensures one stays. */
    private static Map<String, Double> positive(Map<String, Double> weights) {
        Map<String, Double> out = new java.util.LinkedHashMap<>();
        weights.forEach((k, w) -> {
            if (w > 0) {
                out.put(k, w);
            }
        });
        return out;
    }

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
     * @param context what terms are checked against: D's depth, the data, the feature networks
     */
    public static List<ConfigViolation> validate(LossConfig loss, TermContext context) {
        List<ConfigViolation> out = new ArrayList<>();
        Optional<AdversarialDescriptor> adversarial = adversarial(loss.adversarial());
        if (adversarial.isEmpty()) {
            out.add(new ConfigViolation("loss.adversarial", "must be one of " + sorted(adversarialNames())));
        }
        double w = loss.adversarialWeight();
        if (!Double.isFinite(w) || w < 0) {
            out.add(new ConfigViolation("loss.adversarialWeight", "must be a finite number >= 0"));
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
            term(out, "loss.terms[" + i + "]", loss.terms().get(i), context);
        }
        return out;
    }

    private static void term(List<ConfigViolation> out, String path, TermConfig t, TermContext context) {
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
        int before = out.size();
        for (Map.Entry<String, Object> p : t.params().entrySet()) {
            String field = path + ".params." + p.getKey();
            Optional<TermParam> param =
                    d.params().stream().filter(q -> q.name().equals(p.getKey())).findFirst();
            if (param.isEmpty()) {
                out.add(new ConfigViolation(
                        field,
                        "unknown parameter of " + t.type() + "; known: "
                                + sorted(
                                        d.params().stream().map(TermParam::name).toList())));
            } else {
                value(out, field, param.get(), p.getValue(), context.discriminatorLayers());
            }
        }
        for (TermParam param : d.params()) {
            if (param.required()
                    && t.params().get(param.name()) == null
                    && !t.params().containsKey(param.name())) {
                out.add(new ConfigViolation(
                        path + ".params." + param.name(),
                        "is required: " + param.rule().text()));
            }
        }
        if (out.size() == before) {
            // Only on parameters that passed their own rules: the checks read them typed.
            d.check()
                    .problems(new TermDescriptor.Values(d, t), context)
                    .forEach(v -> out.add(new ConfigViolation(path + "." + v.field(), v.message())));
        }
    }

    /** One parameter's value against its kind and rule. */
    private static void value(List<ConfigViolation> out, String field, TermParam param, Object v, int layers) {
        switch (param.kind()) {
            case NUMBER -> {
                if (!(v instanceof Double d)) {
                    out.add(new ConfigViolation(field, "must be a number"));
                } else if (!Double.isFinite(d)) {
                    out.add(new ConfigViolation(field, "must be a finite number"));
                } else {
                    add(out, field, param.problem(d, layers));
                }
            }
            case TEXT -> {
                if (!(v instanceof String text)) {
                    out.add(new ConfigViolation(
                            field, "must be a string: " + param.rule().text()));
                } else {
                    add(out, field, param.problem(text));
                }
            }
            case WEIGHTS -> weights(out, field, v);
        }
    }

    private static void weights(List<ConfigViolation> out, String field, Object v) {
        if (!(v instanceof Map<?, ?> map)) {
            out.add(new ConfigViolation(field, "must be an object of output names to weights, e.g. {\"relu2_2\": 1}"));
            return;
        }
        if (map.isEmpty() || map.size() > MAX_WEIGHTED_OUTPUTS) {
            out.add(new ConfigViolation(field, "must name 1 to " + MAX_WEIGHTED_OUTPUTS + " outputs"));
            return;
        }
        boolean positive = false;
        for (Map.Entry<?, ?> e : map.entrySet()) {
            String entry = field + "." + e.getKey();
            if (!(e.getValue() instanceof Double w) || !Double.isFinite(w) || w < 0) {
                out.add(new ConfigViolation(entry, "must be a finite number >= 0"));
            } else {
                positive |= w > 0;
            }
        }
        if (!positive && out.stream().noneMatch(c -> c.field().startsWith(field + "."))) {
            out.add(new ConfigViolation(field, "at least one weight must be > 0"));
        }
    }

    private static void add(List<ConfigViolation> out, String field, String problem) {
        if (problem != null) {
            out.add(new ConfigViolation(field, problem));
        }
    }

    private static List<String> sorted(List<String> names) {
        return names.stream().sorted().toList();
    }
}
