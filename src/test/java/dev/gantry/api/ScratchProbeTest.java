package dev.gantry.api;

import dev.gantry.testsupport.GantryIntegrationTest;
import java.io.*;
import java.net.Socket;
import java.net.URI;
import java.net.http.*;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

@GantryIntegrationTest
class ScratchProbeTest {
    @LocalServerPort int port;

    String raw(String request) throws Exception {
        try (Socket s = new Socket("localhost", port)) {
            s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            s.getOutputStream().flush();
            s.setSoTimeout(5000);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try { s.getInputStream().transferTo(out); } catch (IOException e) { }
            String r = out.toString(StandardCharsets.UTF_8);
            return r.length() > 700 ? r.substring(0, 700) : r;
        }
    }

    void get(String path) throws Exception {
        System.out.println("=== GET " + path + "\n" + raw("GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
    }
    void post(String path, String ct, String body) throws Exception {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        System.out.println("=== POST " + path + " " + ct + " " + (body.length() > 80 ? body.substring(0, 80) : body) + "\n" + raw("POST " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n" + (ct == null ? "" : "Content-Type: " + ct + "\r\n") + "Content-Length: " + b.length + "\r\n\r\n" + new String(b, StandardCharsets.ISO_8859_1)));
    }

    @Test
    void probe() throws Exception {
        get("/api/v1/jobs/%ZZ");
        get("/api/v1/jobs/a%2Fb");
        get("/api/v1/jobs/a%00b");
        get("/api/v1/jobs/..%2f..");
        get("/api/v1/jobs?name=%00");
        get("/api/v1/jobs?pageToken=LTkyMjMzNzIwMzY4NTQ3NzU4MDg6MDAwMDAwMDAtMDAwMC0wMDAwLTAwMDAtMDAwMDAwMDAwMDAw");
        get("/api/v1/nothing");
        get("/api/v1/jobs/x y");
        post("/api/v1/jobs", "text/plain", "{\"dataset\":\"ring8\"}");
        post("/api/v1/jobs", null, "{\"dataset\":\"ring8\"}");
        post("/api/v1/jobs", "multipart/form-data; boundary=xx", "--xx\r\n");
        post("/api/v1/jobs", "application/x-www-form-urlencoded", "a=b");
        post("/api/v1/jobs", "application/json", "{\"dataset\":\"ring8\",\"dataset\":\"grid25\"}");
        post("/api/v1/jobs", "application/json", "{\"dataset\":\"ring8\",\"training\":{\"steps\":9223372036854775808}}");
        post("/api/v1/jobs", "application/json", "{\"dataset\":\"ring8\",\"training\":{\"batchSize\":9223372036854775808}}");
        post("/api/v1/jobs", "application/json", "{\"dataset\":\"ring8\",\"name\":7}");
        post("/api/v1/jobs", "application/json", "{\"dataset\":\"ring8\",\"loss\":{\"terms\":[{\"type\":\"weight-clipping\",\"weight\":1e400}]}}");
        post("/api/v1/jobs", "application/json", "{\"dataset\":\"ring8\",\"model\":[]}");
        post("/api/v1/jobs", "application/json", "[]");
        post("/api/v1/jobs", "application/json", "null");
        post("/api/v1/jobs", "application/json", "{\"a\":".repeat(10000));
        post("/api/v1/jobs", "application/json", "{\"dataset\":\"ring8\",\"limits\":{\"maxRuntimeSeconds\":NaN}}");
        post("/api/v1/jobs", "application/json", "{\"dataset\":\"ring8\",\"limits\":{\"maxRuntimeSeconds\":\"NaN\"}}");
        post("/api/v1/jobs", "application/json", "{\"dataset\":\"ring8\",\"limits\":{\"maxRuntimeSeconds\":99999999999}}");
        post("/api/v1/jobs", "application/json", "{\"dataset\":\"ring8\",\"priority\":true}");
        post("/api/v1/jobs", "application/json", "{\"dataset\":\"ring8\",\"loss\":{\"terms\":{}}}");
        post("/api/v1/jobs", "application/json", "{\"dataset\":\"ring8\",\"loss\":{\"terms\":[{\"type\":\"weight-clipping\",\"params\":{\"clip\":null}}]}}");
        post("/api/v1/jobs", "application/json", "{\"dataset\":\"ring8\"} trailing");
        post("/api/v1/jobs", "application/json", "{\"dataset\":\"ring8\"} {}");
        post("/api/v1/jobs", "application/json", " ".repeat(1_100_000));
        System.out.println("=== DELETE\n" + raw("DELETE /api/v1/jobs HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
        System.out.println("=== GET with Accept xml\n" + raw("GET /api/v1/jobs HTTP/1.1\r\nHost: x\r\nAccept: application/xml\r\nConnection: close\r\n\r\n"));
        System.out.println("=== chunked big\n" + raw("POST /api/v1/jobs HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n" + ("100000\r\n" + " ".repeat(0x100000) + "\r\n").repeat(2) + "0\r\n\r\n"));
    }
}
