package dev.gantry.api;

import dev.gantry.artifact.ArtifactNotFoundException;
import dev.gantry.dataset.DatasetInUseException;
import dev.gantry.dataset.DatasetNotFoundException;
import dev.gantry.dataset.DatasetUnusableException;
import dev.gantry.dataset.DatasetsBusyException;
import dev.gantry.dataset.InvalidUploadException;
import dev.gantry.dataset.UploadTooLargeException;
import dev.gantry.events.StreamsUnavailableException;
import dev.gantry.events.TooManyStreamsException;
import dev.gantry.features.FeatureNetworkInUseException;
import dev.gantry.features.FeatureNetworkNotFoundException;
import dev.gantry.features.FeatureNetworkTooLargeException;
import dev.gantry.features.FeatureNetworkUnusableException;
import dev.gantry.features.FeatureNetworksUnavailableException;
import dev.gantry.features.InvalidFeatureNetworkException;
import dev.gantry.generation.GenerationBusyException;
import dev.gantry.generation.GenerationFailedException;
import dev.gantry.generation.GenerationUnavailableException;
import dev.gantry.job.FieldError;
import dev.gantry.job.FieldPath;
import dev.gantry.job.InvalidRequestException;
import dev.gantry.job.JobConflictException;
import dev.gantry.job.JobNotFoundException;
import dev.gantry.job.QueueFullException;
import dev.gantry.quota.Quota;
import dev.gantry.quota.QuotaExceededException;
import dev.gantry.security.ForbiddenException;
import dev.gantry.security.KeyNotFoundException;
import dev.gantry.security.MissingAccessRuleException;
import dev.gantry.security.ProjectConflictException;
import dev.gantry.security.ProjectNotFoundException;
import dev.gantry.sweep.SweepConflictException;
import dev.gantry.sweep.SweepNotFoundException;
import java.net.URI;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.tomcat.util.http.InvalidParameterException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.multipart.MultipartException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;
import tools.jackson.core.JacksonException;
import tools.jackson.core.exc.InputCoercionException;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;

/**
 * The one place domain and binding errors become RFC 9457 problems: invalid → 400 naming each
 * field, not found → 404, conflict → 409, full queue → 429, oversized body → 413, a project's
 * quota → 429 (queued jobs) or 409 (stored bytes) naming the quota. Errors Spring
 * MVC detects itself (405, 406, 415, …) get a type of ours too; errors Tomcat answers before any
 * route sees the request are {@link ProblemErrorReportValve}'s. Anything unexpected is a 500
 * without internals.
 */
@RestControllerAdvice
class ProblemHandler extends ResponseEntityExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ProblemHandler.class);

    static final URI INVALID = URI.create("urn:gantry:problem:invalid-request");
    static final URI MALFORMED = URI.create("urn:gantry:problem:malformed-request");
    static final URI NOT_FOUND = URI.create("urn:gantry:problem:not-found");
    static final URI CONFLICT = URI.create("urn:gantry:problem:conflict");
    static final URI QUEUE_FULL = URI.create("urn:gantry:problem:queue-full");
    static final URI QUOTA_EXCEEDED = URI.create("urn:gantry:problem:quota-exceeded");
    static final URI TOO_LARGE = URI.create("urn:gantry:problem:request-too-large");
    static final URI FORBIDDEN = URI.create("urn:gantry:problem:forbidden");
    static final URI INTERNAL = URI.create("urn:gantry:problem:internal");
    static final URI BUSY = URI.create("urn:gantry:problem:busy");
    static final URI TOO_MANY_STREAMS = URI.create("urn:gantry:problem:too-many-streams");
    static final URI REQUEST_TIMEOUT = URI.create("urn:gantry:problem:request-timeout");
    static final URI GENERATION_UNAVAILABLE = URI.create("urn:gantry:problem:generation-unavailable");
    static final URI GENERATION_FAILED = URI.create("urn:gantry:problem:generation-failed");

    private static final URI ABOUT_BLANK = URI.create("about:blank");

    static final int MAX_LISTED_ERRORS = 100;

    // A decode takes seconds to minutes; the queue before the decode threads is short.
    static final int BUSY_RETRY_AFTER_SECONDS = 10;

    // Jobs hold a worker for minutes, so the queue rarely frees a slot sooner than this.
    static final int QUEUE_FULL_RETRY_AFTER_SECONDS = 30;

    /** The type of a problem known only by its status: one the framework or the servlet container detected. */
    static URI typeFor(int status) {
        return switch (status) {
            case 400 -> MALFORMED;
            case 404 -> NOT_FOUND;
            case 413 -> TOO_LARGE;
            case 500 -> INTERNAL;
            default -> {
                HttpStatus known = HttpStatus.resolve(status);
                yield URI.create("urn:gantry:problem:"
                        + (known == null
                                ? "http-" + status
                                : known.getReasonPhrase().toLowerCase().replace(' ', '-')));
            }
        };
    }

    @ExceptionHandler(InvalidRequestException.class)
    ProblemDetail invalid(InvalidRequestException e) {
        return invalid(e.errors());
    }

    @ExceptionHandler(InvalidUploadException.class)
    ProblemDetail invalidUpload(InvalidUploadException e) {
        return invalid(List.of(new FieldError(e.field(), e.getMessage())));
    }

    /** A job spec naming a dataset it cannot train on: the spec's field is {@code dataset}. */
    @ExceptionHandler(DatasetUnusableException.class)
    ProblemDetail unusableDataset(DatasetUnusableException e) {
        return invalid(List.of(new FieldError("dataset", e.getMessage())));
    }

    @ExceptionHandler(InvalidFeatureNetworkException.class)
    ProblemDetail invalidFeatureNetwork(InvalidFeatureNetworkException e) {
        return invalid(e.problems().stream()
                .map(p -> new FieldError(p.field(), p.message()))
                .toList());
    }

    /** Outside a job spec (inside one, the job validator names the term's parameter). */
    @ExceptionHandler(FeatureNetworkUnusableException.class)
    ProblemDetail unusableFeatureNetwork(FeatureNetworkUnusableException e) {
        return invalid(List.of(new FieldError("network", e.getMessage())));
    }

    @ExceptionHandler(FeatureNetworkTooLargeException.class)
    ResponseEntity<ProblemDetail> featureNetworkTooLarge(FeatureNetworkTooLargeException e) {
        return ResponseEntity.status(HttpStatus.CONTENT_TOO_LARGE)
                .body(problem(HttpStatus.CONTENT_TOO_LARGE, TOO_LARGE, "Request too large", e.getMessage()));
    }

    @ExceptionHandler(FeatureNetworksUnavailableException.class)
    ResponseEntity<ProblemDetail> featureNetworksUnavailable(FeatureNetworksUnavailableException e) {
        ResponseEntity.BodyBuilder response = ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE);
        if (e.retryAfterSeconds() != null) {
            response.header(HttpHeaders.RETRY_AFTER, String.valueOf(e.retryAfterSeconds()));
        }
        return response.body(problem(HttpStatus.SERVICE_UNAVAILABLE, BUSY, "Busy", e.getMessage()));
    }

    @ExceptionHandler(UploadTooLargeException.class)
    ResponseEntity<ProblemDetail> uploadTooLarge(UploadTooLargeException e) {
        return ResponseEntity.status(HttpStatus.CONTENT_TOO_LARGE)
                .body(problem(HttpStatus.CONTENT_TOO_LARGE, TOO_LARGE, "Request too large", e.getMessage()));
    }

    @ExceptionHandler(DatasetsBusyException.class)
    ResponseEntity<ProblemDetail> busy(DatasetsBusyException e) {
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
                .header(HttpHeaders.RETRY_AFTER, String.valueOf(BUSY_RETRY_AFTER_SECONDS))
                .body(problem(HttpStatus.SERVICE_UNAVAILABLE, BUSY, "Busy", e.getMessage()));
    }

    @ExceptionHandler({
        JobNotFoundException.class,
        ArtifactNotFoundException.class,
        DatasetNotFoundException.class,
        FeatureNetworkNotFoundException.class,
        ProjectNotFoundException.class,
        KeyNotFoundException.class,
        SweepNotFoundException.class
    })
    ProblemDetail notFound(RuntimeException e) {
        return problem(HttpStatus.NOT_FOUND, NOT_FOUND, "Not found", e.getMessage());
    }

    @ExceptionHandler({
        JobConflictException.class,
        DatasetInUseException.class,
        FeatureNetworkInUseException.class,
        ProjectConflictException.class,
        SweepConflictException.class
    })
    ProblemDetail conflict(RuntimeException e) {
        return problem(HttpStatus.CONFLICT, CONFLICT, "Conflict", e.getMessage());
    }

    /** The key's role may not do this; its project's resources are still its own (else 404). */
    @ExceptionHandler({ForbiddenException.class, MissingAccessRuleException.class})
    ProblemDetail forbidden(RuntimeException e) {
        return problem(HttpStatus.FORBIDDEN, FORBIDDEN, "Forbidden", e.getMessage());
    }

    @ExceptionHandler(QueueFullException.class)
    ResponseEntity<ProblemDetail> queueFull(QueueFullException e) {
        return ResponseEntity.status(HttpStatus.TOO_MANY_REQUESTS)
                .header(HttpHeaders.RETRY_AFTER, String.valueOf(QUEUE_FULL_RETRY_AFTER_SECONDS))
                .body(problem(HttpStatus.TOO_MANY_REQUESTS, QUEUE_FULL, "Queue full", e.getMessage()));
    }

    /**
     * A full queue quota clears by itself as the project's jobs start: 429 with Retry-After. Full
     * storage does not: only a delete (or an owner raising the quota) clears it, so 409, the
     * project's state conflicting with the request, and no Retry-After. (Not 413: the request is
     * not too large in itself, and 507 would blame the server.)
     */
    @ExceptionHandler(QuotaExceededException.class)
    ResponseEntity<ProblemDetail> quotaExceeded(QuotaExceededException e) {
        HttpStatus status = e.quota() == Quota.STORED_BYTES ? HttpStatus.CONFLICT : HttpStatus.TOO_MANY_REQUESTS;
        ProblemDetail problem = problem(status, QUOTA_EXCEEDED, "Quota exceeded", e.getMessage());
        problem.setProperty("quota", e.quota().id());
        problem.setProperty("limit", e.limit());
        problem.setProperty("used", e.used());
        ResponseEntity.BodyBuilder response = ResponseEntity.status(status);
        if (status == HttpStatus.TOO_MANY_REQUESTS) {
            response.header(HttpHeaders.RETRY_AFTER, String.valueOf(QUEUE_FULL_RETRY_AFTER_SECONDS));
        }
        return response.body(problem);
    }

    @ExceptionHandler(TooManyStreamsException.class)
    ProblemDetail tooManyStreams(TooManyStreamsException e) {
        return problem(HttpStatus.TOO_MANY_REQUESTS, TOO_MANY_STREAMS, "Too many streams", e.getMessage());
    }

    @ExceptionHandler(StreamsUnavailableException.class)
    ResponseEntity<ProblemDetail> streamsUnavailable(StreamsUnavailableException e) {
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
                .header(HttpHeaders.RETRY_AFTER, String.valueOf(StreamsUnavailableException.RETRY_AFTER_SECONDS))
                .body(problem(HttpStatus.SERVICE_UNAVAILABLE, BUSY, "Busy", e.getMessage()));
    }

    @ExceptionHandler(GenerationBusyException.class)
    ResponseEntity<ProblemDetail> generationBusy(GenerationBusyException e) {
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
                .header(HttpHeaders.RETRY_AFTER, String.valueOf(GenerationBusyException.RETRY_AFTER_SECONDS))
                .body(problem(HttpStatus.SERVICE_UNAVAILABLE, BUSY, "Busy", e.getMessage()));
    }

    @ExceptionHandler(GenerationUnavailableException.class)
    ResponseEntity<ProblemDetail> generationUnavailable(GenerationUnavailableException e) {
        ResponseEntity.BodyBuilder response = ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE);
        if (e.retryAfterSeconds() != null) {
            response.header(HttpHeaders.RETRY_AFTER, String.valueOf(e.retryAfterSeconds()));
        }
        return response.body(problem(
                HttpStatus.SERVICE_UNAVAILABLE, GENERATION_UNAVAILABLE, "Generation unavailable", e.getMessage()));
    }

    /** The process answered but could not draw: a fault of the server's data, not of the request. */
    @ExceptionHandler(GenerationFailedException.class)
    ProblemDetail generationFailed(GenerationFailedException e) {
        log.warn("Generation failed: {}", e.getMessage());
        return problem(HttpStatus.INTERNAL_SERVER_ERROR, GENERATION_FAILED, "Generation failed", e.getMessage());
    }

    /** A path or query value of the wrong type, such as a job id that is not a UUID. */
    @ExceptionHandler(MethodArgumentTypeMismatchException.class)
    ProblemDetail typeMismatch(MethodArgumentTypeMismatchException e) {
        String expected = e.getRequiredType() == null
                ? "another type"
                : e.getRequiredType().getSimpleName();
        if (e.getRequiredType() != null && e.getRequiredType().isEnum()) {
            expected = "one of " + List.of(e.getRequiredType().getEnumConstants());
        }
        return invalid(List.of(new FieldError(e.getName(), "'" + e.getValue() + "' is not " + article(expected))));
    }

    /** A query string Tomcat cannot decode (a percent-escape that is not UTF-8, say), found when a parameter is read. */
    @ExceptionHandler(InvalidParameterException.class)
    ProblemDetail undecodableParameters(InvalidParameterException e) {
        return problem(
                HttpStatus.BAD_REQUEST,
                MALFORMED,
                "Malformed request",
                "The query string cannot be decoded: a percent-escape is broken or not UTF-8");
    }

    /** A multipart body that does not parse (uploads over their size limit are Spring's 413). */
    @ExceptionHandler(MultipartException.class)
    ProblemDetail malformedMultipart(MultipartException e) {
        return problem(HttpStatus.BAD_REQUEST, MALFORMED, "Malformed request", "The multipart body is malformed");
    }

    /** Also where an over-long body lands: {@link RequestSizeLimitFilter} fails the stream the body is read from. */
    @Override
    protected ResponseEntity<Object> handleHttpMessageNotReadable(
            HttpMessageNotReadableException e, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof RequestTooLargeException tooLarge) {
                return ResponseEntity.status(HttpStatus.CONTENT_TOO_LARGE)
                        .body(problem(
                                HttpStatus.CONTENT_TOO_LARGE,
                                TOO_LARGE,
                                "Request too large",
                                "The request body is larger than the limit of " + tooLarge.maxBytes() + " bytes"));
            }
            if (cause instanceof BodyRate.TooSlowException slow) {
                return ResponseEntity.status(HttpStatus.REQUEST_TIMEOUT)
                        .body(problem(
                                HttpStatus.REQUEST_TIMEOUT, REQUEST_TIMEOUT, "Request timeout", slow.getMessage()));
            }
            if (cause instanceof StrictUtf8InputStream.NotUtf8Exception notUtf8) {
                return ResponseEntity.badRequest().body(invalid(List.of(new FieldError("", notUtf8.getMessage()))));
            }
        }
        return ResponseEntity.badRequest()
                .body(invalid(List.of(bodyError(e, request.getHeader(HttpHeaders.CONTENT_TYPE)))));
    }

    /** Problems Spring MVC builds itself (405, 406, 415, no such route, …) have no type (about:blank); give them ours. */
    @Override
    protected ResponseEntity<Object> createResponseEntity(
            Object body, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        if (body instanceof ProblemDetail problem
                && (problem.getType() == null || ABOUT_BLANK.equals(problem.getType()))) {
            problem.setType(typeFor(status.value()));
        }
        return super.createResponseEntity(body, headers, status, request);
    }

    @ExceptionHandler(Exception.class)
    ProblemDetail unexpected(Exception e) {
        log.error("Unexpected error", e);
        return problem(
                HttpStatus.INTERNAL_SERVER_ERROR,
                INTERNAL,
                "Internal error",
                "The server failed to handle the request; the failure is logged.");
    }

    /** Names the JSON field Jackson choked on, as a path like {@code training.steps} or {@code loss.terms[0]}. */
    private static FieldError bodyError(HttpMessageNotReadableException e, String contentType) {
        if (!(e.getCause() instanceof JacksonException jackson)) {
            // An image posted to an endpoint that takes one (a super-resolution job's generate) is
            // not JSON: say what was missing in the client's own terms.
            boolean json =
                    contentType == null || contentType.toLowerCase(Locale.ROOT).contains("json");
            return new FieldError(
                    "", json ? "a JSON body is required" : "a non-empty " + contentType + " body is required");
        }
        String path = path(jackson.getPath());
        if (jackson instanceof UnrecognizedPropertyException) {
            return new FieldError(path, "is not a known field");
        }
        if (jackson instanceof InputCoercionException) {
            return new FieldError(path, "is out of range: " + jackson.getOriginalMessage());
        }
        if (path.isEmpty()) {
            return new FieldError("", "the body is not a valid JSON object: " + jackson.getOriginalMessage());
        }
        if (jackson instanceof MismatchedInputException mismatch && mismatch.getTargetType() != null) {
            return new FieldError(path, expected(mismatch.getTargetType()));
        }
        return new FieldError(path, "has the wrong type or format: " + jackson.getOriginalMessage());
    }

    /** What a field must be, in JSON's terms rather than Java's. */
    private static String expected(Class<?> type) {
        if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
            return "must be a whole number";
        }
        if (Number.class.isAssignableFrom(type) || type.isPrimitive()) {
            return "must be a number";
        }
        if (type == String.class) {
            return "must be a string";
        }
        if (Collection.class.isAssignableFrom(type) || type.isArray()) {
            return "must be an array";
        }
        return Map.class.isAssignableFrom(type) || type.isRecord() ? "must be an object" : "has the wrong type";
    }

    private static String path(List<JacksonException.Reference> references) {
        return FieldPath.of(references);
    }

    /** Lists at most {@link #MAX_LISTED_ERRORS}: twenty thousand unknown fields need not echo back twenty thousand errors. */
    private static ProblemDetail invalid(List<FieldError> errors) {
        FieldError first = errors.get(0);
        String detail = errors.size() == 1
                ? first.field().isEmpty() ? first.message() : first.field() + " " + first.message()
                : errors.size() + " fields are invalid"
                        + (errors.size() > MAX_LISTED_ERRORS ? "; the first " + MAX_LISTED_ERRORS + " are listed" : "");
        ProblemDetail problem = problem(HttpStatus.BAD_REQUEST, INVALID, "Invalid request", detail);
        problem.setProperty("errors", errors.subList(0, Math.min(errors.size(), MAX_LISTED_ERRORS)));
        return problem;
    }

    private static ProblemDetail problem(HttpStatus status, URI type, String title, String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setType(type);
        problem.setTitle(title);
        return problem;
    }

    private static String article(String expected) {
        return expected.startsWith("one of") ? expected : "a valid " + expected;
    }
}
