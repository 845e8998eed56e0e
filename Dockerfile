# syntax=docker/dockerfile:1
# Gantry: one image, two roles (gantry.role=server or worker). Build:
#   docker build -t gantry .                          # CPU libtorch (from Maven Central)
#   docker build -t gantry:cuda --build-arg FLAVOR=cuda .   # CUDA 12.8 libtorch (see below)
# Run: docker run -p 8080:8080 -v gantry-data:/data gantry   (embedded PostgreSQL, one local worker)
ARG FLAVOR=cpu

# ---- build: the Maven wrapper, dependencies first so that a source change reuses their layer.
FROM eclipse-temurin:17-jdk AS build
WORKDIR /src
COPY .mvn/ .mvn/
COPY mvnw pom.xml ./
RUN ./mvnw -B -ntp -q dependency:go-offline
COPY src/ src/
RUN ./mvnw -B -ntp -q -DskipTests package \
 && cp target/gantry-*.jar /application.jar \
 && ./mvnw -B -ntp -q dependency:build-classpath -Dmdep.outputFile=/classpath.txt

# ---- extract: Spring Boot's layered jar, one directory per layer (layertools is gone in Boot 4.1).
FROM eclipse-temurin:17-jre AS extract
WORKDIR /extract
COPY --from=build /application.jar application.jar
RUN java -Djarmode=tools -jar application.jar extract --layers --destination extracted

# ---- natives: the CPU build of libtorch ships inside the jar (pytorch-native-cpu); the CUDA build
# is not on Maven Central, so DJL fetches it here, at image build, from its own download site
# (PYTORCH_FLAVOR=cu128, online). Loading it may fail on a build machine without a GPU driver; the
# files are in the cache by then, which the `ls` checks. At run time DJL is offline and finds them.
FROM build AS natives-cpu
RUN mkdir -p /opt/djl

FROM build AS natives-cuda
RUN DJL_CACHE_DIR=/opt/djl PYTORCH_FLAVOR=cu128 PYTORCH_VERSION=2.7.1 \
    java -Dai.djl.offline=false -cp "target/classes:$(cat /classpath.txt)" dev.gantry.worker.EngineCheck || true; \
    ls -d /opt/djl/pytorch/2.7.1-cu128-linux-x86_64

FROM natives-${FLAVOR} AS natives

# ---- run: a JRE, plus curl for the health check. The CUDA base brings the CUDA 12.8 runtime and
# cuDNN that libtorch cu128 links against; the host brings the driver (NVIDIA container toolkit).
FROM eclipse-temurin:17-jre AS run-cpu
RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*
ENV DJL_CACHE_DIR=/data/djl

FROM nvidia/cuda:12.8.1-cudnn-runtime-ubuntu24.04 AS run-cuda
RUN apt-get update && apt-get install -y --no-install-recommends openjdk-17-jre-headless curl \
 && rm -rf /var/lib/apt/lists/*
ENV DJL_CACHE_DIR=/opt/djl PYTORCH_FLAVOR=cu128 PYTORCH_VERSION=2.7.1

FROM run-${FLAVOR} AS run
# A fixed uid, so that a volume's ownership and a pod's securityContext can name it.
RUN groupadd --system --gid 10001 gantry \
 && useradd --system --uid 10001 --gid gantry --home-dir /data --shell /usr/sbin/nologin gantry \
 && mkdir -p /data /opt/djl && chown gantry:gantry /data /opt/djl
WORKDIR /application
# Layers in order of change, least often first: a new build of Gantry ships only the last one.
COPY --from=extract /extract/extracted/dependencies/ ./
COPY --from=extract /extract/extracted/spring-boot-loader/ ./
COPY --from=extract /extract/extracted/snapshot-dependencies/ ./
COPY --from=natives --chown=gantry:gantry /opt/djl/ /opt/djl/
COPY --from=extract /extract/extracted/application/ ./
USER gantry:gantry
# The embedded PostgreSQL, the folder object store and DJL's native cache (CPU image) live here.
ENV GANTRY_DATA_DIR=/data
VOLUME ["/data"]
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --start-period=120s --retries=3 \
  CMD curl -fsS http://localhost:8080/actuator/health/liveness || exit 1
# Exec form: the JVM is PID 1 and gets SIGTERM itself, so workers drain (checkpoint, hand back)
# and the server stops its children. The heap follows the container's memory limit; more options
# go in JAVA_TOOL_OPTIONS, arguments after the image name (--gantry.role=worker, …).
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-Dai.djl.offline=true", "-jar", "application.jar"]
