package dev.gantry.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.testsupport.GantryIntegrationTest;
import dev.gantry.testsupport.TestKeys;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.TestPropertySource;

/** A honest slow body goes through; a trickling one is a 408 and stores nothing. Short windows keep it quick. */
@GantryIntegrationTest
@TestPropertySource(properties = {"gantry.http.min-body-rate=4KB", "gantry.http.body-rate-window=2s"})
class SlowBodyTest {

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    @Test
    void a_body_that_keeps_the_minimum_pace_is_accepted_however_long_it_takes() throws Exception {
        // 48 KiB of JSON at ~16 KiB/s: three seconds, past a whole window, four times the minimum.
        String body = "{\"dataset\": \"ring8\"" + " ".repeat(48 * 1024) + "}";
        byte[] bytes = body.getBytes(StandardCharsets.US_ASCII);

        String response = send(bytes, 4096, 250);

        assertThat(response).startsWith("HTTP/1.1 201");
    }

    @Test
    void a_trickling_body_is_a_408_and_stores_nothing() throws Exception {
        long before = jdbc.sql("SELECT count(*) FROM jobs").query(Long.class).single();
        byte[] bytes = ("{\"dataset\": \"ring8\"" + " ".repeat(1000) + "}").getBytes(StandardCharsets.US_ASCII);

        // A byte every 100 ms: 10 bytes/s against a minimum of 4 KiB/s.
        String response = send(bytes, 1, 100);

        assertThat(response).startsWith("HTTP/1.1 408");
        // The body may come chunked; its text is enough here.
        assertThat(response)
                .contains("application/problem+json")
                .contains("\"type\":\"urn:gantry:problem:request-timeout\"")
                .contains("under the minimum of 4096 bytes/s");
        assertThat(jdbc.sql("SELECT count(*) FROM jobs").query(Long.class).single())
                .isEqualTo(before);
    }

    /** Sends the body in pieces with a pause between them, stopping once the server has answered. */
    private String send(byte[] body, int piece, long pauseMillis) throws Exception {
        try (Socket socket = new Socket("localhost", port)) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            out.write(("POST /api/v1/jobs HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + TestKeys.OWNER
                            + "\r\nConnection: close\r\n" + "Content-Type: application/json\r\nContent-Length: "
                            + body.length + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            for (int offset = 0; offset < body.length && in.available() == 0; offset += piece) {
                try {
                    out.write(body, offset, Math.min(piece, body.length - offset));
                    out.flush();
                } catch (java.io.IOException e) {
                    break; // the server answered and closed; its answer is what counts
                }
                Thread.sleep(pauseMillis); // the client's pace is what is under test
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
