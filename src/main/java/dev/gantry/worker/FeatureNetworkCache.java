package dev.gantry.worker;

import dev.gantry.features.FeatureNetworkService;
import dev.gantry.training.TrainingCatalog;
import dev.gantry.training.config.FeatureNetworkInfo;
import dev.gantry.training.config.TrainingConfig;
import dev.gantry.training.features.FeatureNetwork;
import dev.gantry.training.features.FeatureNetworks;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The feature networks a run names, loaded once per worker process and kept for the next jobs
 * that name them (a sweep of perceptual-loss jobs loads VGG19 once, not per job, and never per
 * step). At most {@link #CAPACITY} stay loaded, the least recently used closed first; a worker
 * trains one job at a time, so none is closed under a running job.
 */
@Component
class FeatureNetworkCache {

    private static final Logger log = LoggerFactory.getLogger(FeatureNetworkCache.class);

    static final int CAPACITY = 2;

    /** Loads a module; {@link FeatureNetwork#load} outside tests. */
    interface Loader {
        FeatureNetwork load(FeatureNetworkService.Module module);
    }

    private final Function<String, FeatureNetworkInfo> infos;
    private final Function<String, FeatureNetworkService.Module> modules;
    private final Loader loader;
    private final Map<String, FeatureNetworks.Loaded> loaded = new LinkedHashMap<>(4, 0.75f, true);

    @Autowired
    FeatureNetworkCache(FeatureNetworkService networks, PlatformTransactionManager transactions) {
        this(
                id -> new TransactionTemplate(transactions).execute(s -> networks.requireReadyForJob(id)),
                networks::readModule,
                m -> FeatureNetwork.load(m.bytes(), m.info().descriptor()));
    }

    FeatureNetworkCache(
            Function<String, FeatureNetworkInfo> infos,
            Function<String, FeatureNetworkService.Module> modules,
            Loader loader) {
        this.infos = infos;
        this.modules = modules;
        this.loader = loader;
    }

    /**
     * @throws dev.gantry.features.FeatureNetworkUnusableException when a network is gone or not READY
     */
    synchronized FeatureNetworks forRun(TrainingConfig config) {
        return forRun(config, List.of());
    }

    /** @param alsoFor networks the run needs beyond its loss terms (its evaluation's) */
    synchronized FeatureNetworks forRun(TrainingConfig config, Collection<String> alsoFor) {
        Map<String, FeatureNetworks.Loaded> run = new LinkedHashMap<>();
        Set<String> ids = new LinkedHashSet<>(TrainingCatalog.featureNetworks(config));
        ids.addAll(alsoFor);
        for (String id : ids) {
            FeatureNetworkInfo info = infos.apply(id);
            String key = id + "/" + info.sha256();
            FeatureNetworks.Loaded hit = loaded.get(key);
            if (hit == null) {
                long start = System.nanoTime();
                FeatureNetworkService.Module module = modules.apply(id);
                hit = new FeatureNetworks.Loaded(module.info(), loader.load(module));
                loaded.put(key, hit);
                log.info(
                        "Feature network {} ({}, {} bytes) loaded in {} ms",
                        id,
                        info.descriptor().name(),
                        module.bytes().length,
                        (System.nanoTime() - start) / 1_000_000);
                evict(run.keySet());
            }
            run.put(id, hit);
        }
        return FeatureNetworks.of(run);
    }

    /** Closes the least recently used beyond the capacity, sparing the ones this run uses. */
    private void evict(Set<String> inUse) {
        var it = loaded.entrySet().iterator();
        while (loaded.size() > CAPACITY && it.hasNext()) {
            var e = it.next();
            if (!inUse.contains(e.getKey().substring(0, e.getKey().indexOf('/')))) {
                e.getValue().network().close();
                it.remove();
            }
        }
    }

    synchronized int loadedCount() {
        return loaded.size();
    }
}
