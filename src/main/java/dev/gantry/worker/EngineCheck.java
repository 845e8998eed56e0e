package dev.gantry.worker;

import ai.djl.engine.Engine;
import ai.djl.util.cuda.CudaUtils;
import dev.gantry.training.GanTraining;
import java.lang.invoke.MethodHandles;

/**
 * Loads libtorch as a worker would and says what it found: {@code java -cp application.jar
 * dev.gantry.worker.EngineCheck}. The CUDA image runs it at build time, online, so that DJL
 * fetches the CUDA build of libtorch into its cache; a container runs it to check its GPU.
 */
public final class EngineCheck {

    private EngineCheck() {}

    public static void main(String[] args) throws Exception {
        MethodHandles.lookup().ensureInitialized(GanTraining.class);
        Engine engine = Engine.getInstance();
        System.out.printf(
                "DJL %s, %s %s, default device %s, %d GPU(s) visible to CUDA (CUDA_VISIBLE_DEVICES=%s)%n",
                Engine.getDjlVersion(),
                engine.getEngineName(),
                engine.getVersion(),
                engine.defaultDevice(),
                CudaUtils.getGpuCount(),
                System.getenv().getOrDefault("CUDA_VISIBLE_DEVICES", "unset"));
    }
}
