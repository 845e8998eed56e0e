package dev.gantry.api;

import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Semaphore;
import java.util.function.LongSupplier;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ValveBase;
import org.apache.coyote.ActionCode;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;

/**
 * Keeps slow clients from pinning Tomcat's request threads. On Java 17 a servlet reads a body on
 * a platform thread that blocks until the bytes arrive, and {@code connection-timeout} applies per
 * read: 205 clients sending a byte every 2 s held all 200 threads, and health timed out. So:
 *
 * <ul>
 *   <li>at most {@code gantry.http.max-concurrent-bodies} requests read a body at once; the next
 *       is answered {@code 503} with {@code Retry-After} before a byte of its body is read, and
 *       the rest of the threads stay free for everything else (health, reads, status);
 *   <li>a body must keep {@code gantry.http.min-body-rate} over each {@code body-rate-window}
 *       ({@link BodyRate}), or its read fails and the request is a {@code 408};
 *   <li>neither refusal swallows the rest of the body, which at a byte every 2 s would hold the
 *       thread as long as the upload itself: Tomcat is told not to, and closes the connection.
 * </ul>
 *
 * A valve rather than a filter: it runs before any filter, and only here is Tomcat's request at
 * hand to turn the swallowing off.
 */
class SlowClientValve extends ValveBase {

    private final Semaphore bodies;
    private final HttpLimitsProperties limits;
    private final LongSupplier nanoTime;

    SlowClientValve(HttpLimitsProperties limits, LongSupplier nanoTime) {
        super(true);
        this.bodies = new Semaphore(limits.maxConcurrentBodies());
        this.limits = limits;
        this.nanoTime = nanoTime;
    }

    /** Bodies being read now, for tests and for operators' curiosity. */
    int bodiesInFlight() {
        return limits.maxConcurrentBodies() - bodies.availablePermits();
    }

    @Override
    public void invoke(Request request, Response response) throws IOException, ServletException {
        boolean body = request.getContentLengthLong() > 0 || request.getHeader("Transfer-Encoding") != null;
        if (!body) {
            getNext().invoke(request, response);
            return;
        }
        if (!bodies.tryAcquire()) {
            refuse(request, response);
            return;
        }
        try {
            request.setRequest(new RateGuardedRequest(request, request.getRequest(), newRate()));
            getNext().invoke(request, response);
        } finally {
            bodies.release();
        }
    }

    private BodyRate newRate() {
        return new BodyRate(
                limits.minBodyRate().toBytes(), limits.bodyRateWindow().toNanos(), nanoTime);
    }

    private void refuse(Request request, Response response) throws IOException {
        request.getCoyoteRequest().action(ActionCode.DISABLE_SWALLOW_INPUT, null);
        response.setStatus(503);
        response.setHeader(HttpHeaders.RETRY_AFTER, "1");
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        response.setCharacterEncoding("UTF-8");
        byte[] problem = ("{\"type\":\"" + ProblemHandler.BUSY + "\",\"title\":\"Busy\",\"status\":503,"
                        + "\"detail\":\"" + limits.maxConcurrentBodies()
                        + " request bodies are being received; try again shortly\"}")
                .getBytes(StandardCharsets.UTF_8);
        response.setContentLength(problem.length);
        response.getOutputStream().write(problem);
        response.finishResponse();
    }

    private static final class RateGuardedRequest extends HttpServletRequestWrapper {

        private final Request tomcat;
        private final BodyRate rate;
        private ServletInputStream body;

        RateGuardedRequest(Request tomcat, HttpServletRequest request, BodyRate rate) {
            super(request);
            this.tomcat = tomcat;
            this.rate = rate;
        }

        @Override
        public ServletInputStream getInputStream() throws IOException {
            if (body == null) {
                body = new RateGuardedStream(super.getInputStream());
            }
            return body;
        }

        private final class RateGuardedStream extends ServletInputStream {

            private final ServletInputStream in;

            RateGuardedStream(ServletInputStream in) {
                this.in = in;
            }

            @Override
            public int read() throws IOException {
                long start = rate.now();
                int b = in.read();
                check(start, b < 0 ? 0 : 1);
                return b;
            }

            @Override
            public int read(byte[] buffer, int offset, int length) throws IOException {
                long start = rate.now();
                int n = in.read(buffer, offset, length);
                check(start, n);
                return n;
            }

            private void check(long start, int n) throws BodyRate.TooSlowException {
                try {
                    rate.read(start, n);
                } catch (BodyRate.TooSlowException e) {
                    // The rest of the body would arrive just as slowly: close instead of reading it.
                    tomcat.getCoyoteRequest().action(ActionCode.DISABLE_SWALLOW_INPUT, null);
                    throw e;
                }
            }

            @Override
            public boolean isFinished() {
                return in.isFinished();
            }

            @Override
            public boolean isReady() {
                return in.isReady();
            }

            @Override
            public void setReadListener(ReadListener listener) {
                in.setReadListener(listener);
            }
        }
    }
}
