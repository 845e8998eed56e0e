package dev.gantry.storage;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP relay on loopback between an S3 client and S3 (S3Proxy), that fails connections on
 * demand the way a network does: it drops a connection as a request arrives, or cuts a response
 * after some bytes. The S3 server behind it is real; only the wire between is faulty, which is
 * the one thing that cannot be had on demand here.
 */
final class FaultyProxy implements AutoCloseable {

    private final ServerSocket server;
    private final InetSocketAddress upstream;
    private final AtomicInteger dropsLeft = new AtomicInteger();
    private final AtomicInteger dropped = new AtomicInteger();
    private final AtomicInteger cut = new AtomicInteger();
    private volatile long cutResponsesAfter = -1;

    FaultyProxy(URI upstream) throws IOException {
        this.upstream = new InetSocketAddress(upstream.getHost(), upstream.getPort());
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::accept, "faulty-proxy");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getLocalPort());
    }

    /** The next {@code count} chunks of request bytes, on any connection, close it instead of passing. */
    void dropNext(int count) {
        dropsLeft.set(count);
    }

    /** Every response from now on ends, connection closed, after this many bytes (headers included). */
    void cutResponsesAfter(long bytes) {
        cutResponsesAfter = bytes;
    }

    int dropped() {
        return dropped.get();
    }

    int cut() {
        return cut.get();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Socket up = new Socket(upstream.getAddress(), upstream.getPort());
                start(() -> requests(client, up));
                start(() -> responses(up, client));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void requests(Socket client, Socket up) {
        byte[] buffer = new byte[64 * 1024];
        try (InputStream in = client.getInputStream();
                OutputStream out = up.getOutputStream()) {
            for (int n; (n = in.read(buffer)) > 0; ) {
                if (dropsLeft.getAndUpdate(left -> left > 0 ? left - 1 : 0) > 0) {
                    dropped.incrementAndGet();
                    break;
                }
                out.write(buffer, 0, n);
            }
        } catch (IOException e) {
            // The other direction closed the pair.
        } finally {
            closeQuietly(client, up);
        }
    }

    private void responses(Socket up, Socket client) {
        byte[] buffer = new byte[64 * 1024];
        long sent = 0;
        try (InputStream in = up.getInputStream();
                OutputStream out = client.getOutputStream()) {
            for (int n; (n = in.read(buffer)) > 0; ) {
                long limit = cutResponsesAfter;
                if (limit >= 0 && sent + n > limit) {
                    out.write(buffer, 0, (int) (limit - sent));
                    out.flush();
                    cut.incrementAndGet();
                    break;
                }
                out.write(buffer, 0, n);
                sent += n;
            }
        } catch (IOException e) {
            // The other direction closed the pair.
        } finally {
            closeQuietly(client, up);
        }
    }

    private static void start(Runnable pump) {
        Thread t = new Thread(pump, "faulty-proxy-pump");
        t.setDaemon(true);
        t.start();
    }

    private static void closeQuietly(Socket... sockets) {
        for (Socket s : sockets) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
