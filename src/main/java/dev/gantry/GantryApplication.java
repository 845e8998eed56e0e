package dev.gantry;

import dev.gantry.generation.child.GenerationChild;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.security.autoconfigure.UserDetailsServiceAutoConfiguration;

// Gantry authenticates its own API keys (security package); Spring's default in-memory user would
// only print a generated password at start that nothing accepts, and confuse whoever reads it.
@SpringBootApplication(exclude = UserDetailsServiceAutoConfiguration.class)
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
