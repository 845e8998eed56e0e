package dev.gantry.api;

import java.io.IOException;
import java.io.Writer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;
import org.apache.coyote.ActionCode;
import org.apache.tomcat.util.res.StringManager;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import tools.jackson.databind.json.JsonMapper;

/**
 * Tomcat answers some requests before any servlet sees them: a path with a bad percent-escape, an
 * encoded '/' or a NUL, a space in the request line. Its own report is an HTML page; this one is a
 * problem like every other error of the API. Same guards as Tomcat's report: only an error
 * response with nothing written yet, and only while the connection can still be written to.
 */
class ProblemErrorReportValve extends ErrorReportValve {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static final String MAX_HEAD = "server.max-http-request-header-size";

    // Tomcat's own message for a request head over its buffer, in the JVM's locale as Tomcat reads it.
    private static final String HEAD_TOO_LARGE =
            StringManager.getManager("org.apache.coyote.http11").getString("iib.requestheadertoolarge.error");

    private static boolean headTooLarge(Throwable throwable) {
        for (Throwable t = throwable; t != null; t = t.getCause()) {
            if (t instanceof IllegalArgumentException && HEAD_TOO_LARGE.equals(t.getMessage())) {
                return true;
            }
        }
        return false;
    }

    @Override
    protected void report(Request request, Response response, Throwable throwable) {
        int status = response.getStatus();
        if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
            return;
        }
        AtomicBoolean ioAllowed = new AtomicBoolean();
        response.getCoyoteResponse().action(ActionCode.IS_IO_ALLOWED, ioAllowed);
        if (!ioAllowed.get()) {
            return;
        }
        if (status == 400 && headTooLarge(throwable)) {
            // Tomcat answers 400 for any request head past max-http-request-header-size. A request
            // line it could not finish (no URI parsed) is a URI too long; otherwise the headers are.
            String uri = request.getCoyoteRequest().requestURI().toString();
            status = uri == null || uri.isEmpty() ? 414 : 431;
            response.setStatus(status);
        }
        HttpStatus known = HttpStatus.resolve(status);
        Map<String, Object> problem = new LinkedHashMap<>();
        problem.put("type", ProblemHandler.typeFor(status).toString());
        problem.put("title", known == null ? "Error" : known.getReasonPhrase());
        problem.put("status", status);
        problem.put(
                "detail",
                switch (status) {
                    case 400 ->
                        "The HTTP request is malformed: a bad percent-escape, an encoded '/' or a forbidden character in the path, or a bad header";
                    case 414 -> "The request line is longer than the server accepts (" + MAX_HEAD + ")";
                    case 431 -> "The request's headers are larger than the server accepts (" + MAX_HEAD + ")";
                    default -> "The server refused the request before handling it";
                });
        try {
            response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
            response.setCharacterEncoding("UTF-8");
            Writer writer = response.getReporter();
            if (writer != null) {
                writer.write(JSON.writeValueAsString(problem));
                response.finishResponse();
            }
        } catch (IOException | IllegalStateException e) {
            // The client is gone or the response cannot be written: there is no one left to tell.
        }
    }
}
