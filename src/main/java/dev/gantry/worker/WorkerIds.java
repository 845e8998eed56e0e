package dev.gantry.worker;

import java.net.InetAddress;
import java.util.UUID;

/**
 * A worker's id, {@code <host>-<pid>-<suffix>}: readable in logs and the jobs table, and unique
 * across restarts (a new process reusing a pid gets another suffix). A local child is given its
 * suffix by the server, which can then name the child's jobs when the child exits.
 */
final class WorkerIds {

    private WorkerIds() {}

    static String of(long pid, String suffix) {
        return hostName() + "-" + pid + "-" + suffix;
    }

    static String newSuffix() {
        return UUID.randomUUID().toString().substring(0, 8);
    }

    static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            return "localhost";
        }
    }
}
