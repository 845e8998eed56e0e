package dev.gantry.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.gantry.generation.GenerationService;
import dev.gantry.generation.export.GeneratorExport;
import dev.gantry.generation.protocol.SampleFormat;
import dev.gantry.security.Access;
import dev.gantry.security.ResourceType;
import dev.gantry.security.Role;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.util.StringUtils;
import org.springframework.web.HttpMediaTypeNotAcceptableException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/**
 * Samples drawn from a job's checkpoint, in the representation the client accepts, and the
 * checkpoint's generator exported for PyTorch.
 */
@RestController
class GenerationController {

    static final MediaType NPY = MediaType.parseMediaType("application/x-npy");
    static final MediaType ZIP = MediaType.parseMediaType("application/zip");
    static final String SEED_HEADER = "X-Gantry-Seed";
    static final String STEP_HEADER = "X-Gantry-Step";
    static final String EMA_HEADER = "X-Gantry-Ema";

    /** What a client may ask for, in the order picked when it accepts several equally. */
    private static final List<MediaType> OFFERED =
            List.of(MediaType.IMAGE_PNG, NPY, MediaType.APPLICATION_OCTET_STREAM, MediaType.APPLICATION_JSON);

    private final GenerationService generation;
    private final GeneratorExport export;

    GenerationController(GenerationService generation, GeneratorExport export) {
        this.generation = generation;
        this.export = export;
    }

    /** Every field may be left out, and so may the body. */
    /** @param step a checkpoint's step, {@code "best"}, or absent for the latest */
    record GenerateRequest(
            Integer count,
            Long seed,
            JsonNode step,
            @JsonProperty("class") JsonNode classValue) {}

    @Access(role = Role.EDITOR, resource = ResourceType.JOB)
    @PostMapping(
            path = "/api/v1/jobs/{id}/generate",
            produces = {
                MediaType.IMAGE_PNG_VALUE,
                "application/x-npy",
                MediaType.APPLICATION_OCTET_STREAM_VALUE,
                MediaType.APPLICATION_JSON_VALUE
            })
    ResponseEntity<byte[]> generate(
            @PathVariable UUID id,
            @RequestBody(required = false) GenerateRequest body,
            @RequestHeader(name = HttpHeaders.ACCEPT, required = false) String accept)
            throws HttpMediaTypeNotAcceptableException, HttpMediaTypeNotSupportedException {
        GenerationService.Target target = generation.target(id);
        if (target.config().task().superResolution()) {
            throw unsupported(
                    MediaType.APPLICATION_JSON,
                    List.of(MediaType.IMAGE_PNG, MediaType.IMAGE_JPEG),
                    "A super-resolution job upscales an image: send one as image/png or image/jpeg");
        }
        MediaType type = negotiate(accept, target.images());
        GenerateRequest request = body != null ? body : new GenerateRequest(null, null, null, null);
        GenerationService.Generated samples = generation.generate(
                target,
                new GenerationService.Command(
                        request.count(), request.seed(), step(request.step()), request.classValue()),
                format(type));
        return ResponseEntity.ok()
                .contentType(type)
                .header(SEED_HEADER, Long.toString(samples.seed()))
                .header(STEP_HEADER, Long.toString(samples.step()))
                .header(EMA_HEADER, Boolean.toString(samples.ema()))
                .body(samples.body());
    }

    /**
     * A super-resolution job's answer to a low-resolution image in the body: the image upscaled,
     * as a PNG or an NPY array of shape (1, C, h·scale, w·scale).
     */
    @Access(role = Role.EDITOR, resource = ResourceType.JOB)
    @PostMapping(
            path = "/api/v1/jobs/{id}/generate",
            consumes = {MediaType.IMAGE_PNG_VALUE, MediaType.IMAGE_JPEG_VALUE},
            produces = {MediaType.IMAGE_PNG_VALUE, "application/x-npy", MediaType.APPLICATION_OCTET_STREAM_VALUE})
    ResponseEntity<byte[]> upscale(
            @PathVariable UUID id,
            @RequestParam(required = false) String step,
            @RequestBody byte[] image,
            @RequestHeader(HttpHeaders.CONTENT_TYPE) String contentType,
            @RequestHeader(name = HttpHeaders.ACCEPT, required = false) String accept)
            throws HttpMediaTypeNotAcceptableException, HttpMediaTypeNotSupportedException {
        GenerationService.Target target = generation.target(id);
        if (!target.config().task().superResolution()) {
            throw unsupported(
                    MediaType.parseMediaType(contentType),
                    List.of(MediaType.APPLICATION_JSON),
                    "This job draws from latents: send a JSON body");
        }
        MediaType type = negotiate(accept, true);
        GenerationService.Generated out = generation.upscale(target, image, step, format(type));
        return ResponseEntity.ok()
                .contentType(type)
                .header(STEP_HEADER, Long.toString(out.step()))
                .header(EMA_HEADER, Boolean.toString(out.ema()))
                .body(out.body());
    }

    /** A 415 whose detail says what to send instead (Spring's own says only what was refused). */
    private static HttpMediaTypeNotSupportedException unsupported(
            MediaType sent, List<MediaType> supported, String detail) {
        HttpMediaTypeNotSupportedException e = new HttpMediaTypeNotSupportedException(sent, supported, HttpMethod.POST);
        e.getBody().setDetail(detail);
        return e;
    }

    /** The latents of a draw, for reproducing it elsewhere from an export. */
    @Access(role = Role.VIEWER, resource = ResourceType.JOB)
    @GetMapping(path = "/api/v1/jobs/{id}/latents", produces = "application/x-npy")
    ResponseEntity<byte[]> latents(
            @PathVariable UUID id,
            @RequestParam(defaultValue = "" + GenerationService.DEFAULT_COUNT) int count,
            @RequestParam long seed) {
        return ResponseEntity.ok()
                .contentType(NPY)
                .header(SEED_HEADER, Long.toString(seed))
                .body(generation.latents(generation.target(id), count, seed));
    }

    @Access(role = Role.VIEWER, resource = ResourceType.JOB)
    @GetMapping(path = "/api/v1/jobs/{id}/export", produces = "application/zip")
    ResponseEntity<byte[]> export(@PathVariable UUID id, @RequestParam(required = false) String step) {
        GeneratorExport.Export zip = export.export(id, step);
        return ResponseEntity.ok()
                .contentType(ZIP)
                .header(
                        HttpHeaders.CONTENT_DISPOSITION,
                        ContentDisposition.attachment()
                                .filename(zip.fileName())
                                .build()
                                .toString())
                .body(zip.zip());
    }

    /** A step as the body gave it; anything but a whole number or a string fails where steps are checked. */
    private static String step(JsonNode step) {
        if (step == null || step.isNull()) {
            return null;
        }
        if (step.isIntegralNumber()) {
            return step.asString();
        }
        return step.isString() ? step.asString() : step.toString();
    }

    /**
     * The first offered type the client accepts, taking its types by falling quality (q=0 is a
     * refusal). JSON is offered for 2-D points only: images in JSON would be a far larger NPY.
     */
    static MediaType negotiate(String accept, boolean images) throws HttpMediaTypeNotAcceptableException {
        List<MediaType> offered = images ? OFFERED.subList(0, 3) : OFFERED;
        List<MediaType> accepted = new ArrayList<>(
                StringUtils.hasText(accept) ? MediaType.parseMediaTypes(accept) : List.of(MediaType.ALL));
        List<MediaType> refused =
                accepted.stream().filter(a -> a.getQualityValue() == 0).toList();
        accepted.removeAll(refused);
        accepted.sort(Comparator.comparingDouble(MediaType::getQualityValue).reversed());
        for (MediaType a : accepted) {
            for (MediaType o : offered) {
                if (a.includes(o) && refused.stream().noneMatch(r -> r.includes(o))) {
                    return o;
                }
            }
        }
        throw new HttpMediaTypeNotAcceptableException(offered);
    }

    private static SampleFormat format(MediaType type) {
        if (type.equals(MediaType.IMAGE_PNG)) {
            return SampleFormat.PNG;
        }
        return type.equals(MediaType.APPLICATION_JSON) ? SampleFormat.JSON : SampleFormat.NPY;
    }
}
