package dev.gantry.process;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarFile;

/**
 * The command line that runs this application's own code in a new JVM: its executable jar, or its
 * class path when it runs from classes (IDE, {@code spring-boot:run}, tests). Child processes
 * (workers, generation processes) are the same code in another role.
 */
public final class SameJarCommand {

    private SameJarCommand() {}

    /**
     * @param jvmOptions options for the new JVM, such as {@code -Xmx512m}
     * @param arguments arguments of {@code GantryApplication.main}, such as {@code --gantry.role=worker}
     */
    public static List<String> of(List<String> jvmOptions, List<String> arguments) {
        List<String> command = new ArrayList<>();
        command.add(java());
        command.addAll(jvmOptions);
        command.addAll(launcher());
        command.addAll(arguments);
        return command;
    }

    /** Options written as one string, split on whitespace, as properties give them. */
    public static List<String> split(String options) {
        List<String> out = new ArrayList<>();
        for (String option : options.trim().split("\\s+")) {
            if (!option.isEmpty()) {
                out.add(option);
            }
        }
        return out;
    }

    private static String java() {
        return ProcessHandle.current()
                .info()
                .command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    private static List<String> launcher() {
        String classPath = System.getProperty("java.class.path");
        if (!classPath.contains(File.pathSeparator) && classPath.endsWith(".jar") && isBootJar(classPath)) {
            return List.of("-jar", classPath);
        }
        return List.of("-cp", classPath, "dev.gantry.GantryApplication");
    }

    private static boolean isBootJar(String path) {
        try (JarFile jar = new JarFile(path)) {
            return jar.getManifest() != null
                    && jar.getManifest().getMainAttributes().getValue("Start-Class") != null;
        } catch (IOException e) {
            return false;
        }
    }
}
