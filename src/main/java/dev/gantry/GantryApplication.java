package dev.gantry;

import dev.gantry.generation.child.GenerationChild;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

@SpringBootApplication
public class GantryApplication {

    public static void main(String[] args) throws Exception {
        // The generation process is the same jar without Spring: it needs no database, no web
        // server and no beans, and starts in a second with a small heap.
        if (GenerationChild.isRole(args)) {
            GenerationChild.main(args);
            return;
        }
        SpringApplication.run(GantryApplication.class, args);
    }
}
