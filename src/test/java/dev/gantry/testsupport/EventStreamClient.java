package dev.gantry.testsupport;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;
import tools.jackson.databind.JsonNode;

/**
 * A server-sent events client as a dashboard is one: an HTTP GET with the key in the
 * {@code Authorization} header, the body read line by line as it arrives (java.net.http, no SSE
 * library), parsed by the rules of the SSE specification.
 */
public final class EventStreamClient {

    private static final HttpClient CLIENT =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** One event: its {@code id}, {@code event} and parsed {@code data}. */
    public record Event(long id, String type, JsonNode data) {}

    private EventStreamClient() {}

    /** @param lastEventId sent as {@code Last-Event-ID} unless null */
    public static Stream open(int port, String path, String key, Long lastEventId) {
        return open(port, path, key, lastEventId, null);
    }

    /** @param rawLastEventId sent as {@code Last-Event-ID} as it is, when not null (for bad values) */
    public static Stream open(int port, String path, String key, Long lastEventId, String rawLastEventId) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .header("Accept", "text/event-stream")
                .header("Authorization", "Bearer " + key)
                .GET();
        if (lastEventId != null) {
            request.header("Last-Event-ID", Long.toString(lastEventId));
        }
        if (rawLastEventId != null) {
            request.header("Last-Event-ID", rawLastEventId);
        }
        try {
            HttpResponse<InputStream> response =
                    CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
            return new Stream(response);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** An open stream, read by a thread of its own until the server ends it or {@link #close}. */
    public static final class Stream implements AutoCloseable {

        private final HttpResponse<InputStream> response;
        private final List<Event> events = new ArrayList<>();
        private final List<String> comments = new ArrayList<>();
        private final CompletableFuture<Void> ended = new CompletableFuture<>();
        private final String errorBody;
        private volatile boolean closed;

        Stream(HttpResponse<InputStream> response) throws IOException {
            this.response = response;
            if (response.statusCode() != 200) {
                try (InputStream in = response.body()) {
                    errorBody = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                }
                ended.complete(null);
                return;
            }
            errorBody = null;
            Thread reader = new Thread(this::read, "sse-test-client");
            reader.setDaemon(true);
            reader.start();
        }

        public int status() {
            return response.statusCode();
        }

        public String contentType() {
            return response.headers().firstValue("Content-Type").orElse("");
        }

        /** The body of a refusal (problem JSON); null for an open stream. */
        public String errorBody() {
            return errorBody;
        }

        public synchronized List<Event> events() {
            return List.copyOf(events);
        }

        public synchronized List<String> comments() {
            return List.copyOf(comments);
        }

        /** Whether the server ended the stream (not counting {@link #close}). */
        public boolean ended() {
            return ended.isDone() && !closed;
        }

        /** Waits until the events received satisfy {@code condition}; fails after {@code timeout}. */
        public List<Event> await(Predicate<List<Event>> condition, Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            synchronized (this) {
                while (!condition.test(events)) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        throw new AssertionError("stream did not get there in " + timeout + "; got " + events.size()
                                + " events, last " + (events.isEmpty() ? "none" : events.get(events.size() - 1)));
                    }
                    wait(Math.max(1, left / 1_000_000));
                }
                return List.copyOf(events);
            }
        }

        /** Waits for the server to end the stream. */
        public void awaitEnd(Duration timeout) throws Exception {
            ended.get(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        }

        private void read() {
            try (BufferedReader in =
                    new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
                String id = null;
                String type = null;
                StringBuilder data = null;
                for (String line; (line = in.readLine()) != null; ) {
                    if (line.isEmpty()) {
                        if (data != null) {
                            add(new Event(
                                    Long.parseLong(id), type == null ? "message" : type, Http.parse(data.toString())));
                        }
                        id = null;
                        type = null;
                        data = null;
                        continue;
                    }
                    if (line.startsWith(":")) {
                        synchronized (this) {
                            comments.add(line.substring(1).strip());
                        }
                        continue;
                    }
                    int colon = line.indexOf(':');
                    String field = colon < 0 ? line : line.substring(0, colon);
                    String value = colon < 0 ? "" : line.substring(colon + 1);
                    if (value.startsWith(" ")) {
                        value = value.substring(1);
                    }
                    switch (field) {
                        case "id" -> id = value;
                        case "event" -> type = value;
                        case "data" ->
                            data = data == null
                                    ? new StringBuilder(value)
                                    : data.append('\n').append(value);
                        default -> {}
                    }
                }
            } catch (IOException e) {
                // Closed by close(), or the connection broke: either way the stream is over.
            } finally {
                ended.complete(null);
                synchronized (this) {
                    notifyAll();
                }
            }
        }

        private synchronized void add(Event event) {
            events.add(event);
            notifyAll();
        }

        /** Disconnects, as a client that goes away does. */
        @Override
        public void close() {
            closed = true;
            try {
                response.body().close();
            } catch (IOException e) {
                // Gone already.
            }
        }
    }
}
