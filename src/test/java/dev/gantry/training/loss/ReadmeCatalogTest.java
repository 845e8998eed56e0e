package dev.gantry.training.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The README's table of terms says what the catalog says: names, sides and parameter defaults. */
class ReadmeCatalogTest {

    private static final String HEADER = "| term | side | params (default) |";

    @Test
    void the_readme_term_table_lists_every_term_with_its_side_and_defaults() throws IOException {
        Map<String, String[]> rows = termRows(Files.readAllLines(Path.of("README.md")));
        assertEquals(LossCatalog.termNames(), new ArrayList<>(rows.keySet()), "terms in catalog order");
        for (TermDescriptor term : LossCatalog.TERMS) {
            String[] row = rows.get(term.name());
            assertEquals(term.side() == Side.DISCRIMINATOR ? "D" : "G", row[1], term.name() + " side");
            for (TermParam param : term.params()) {
                String expected = "`" + param.name() + "` (" + param.defaultText();
                assertTrue(row[2].contains(expected), term.name() + ": README lacks " + expected + " in " + row[2]);
            }
            if (term.params().isEmpty()) {
                assertTrue(row[2].startsWith("none"), term.name() + " takes no parameter");
            }
        }
    }

    /** Term name → cells, from the table under {@link #HEADER}. */
    private static Map<String, String[]> termRows(List<String> lines) {
        int at = -1;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).strip().equals(HEADER)) {
                at = i;
            }
        }
        assertTrue(at >= 0, "README has no term table");
        Map<String, String[]> rows = new LinkedHashMap<>();
        for (int i = at + 2; i < lines.size() && lines.get(i).strip().startsWith("|"); i++) {
            String[] cells = lines.get(i).strip().split("\\|");
            String name = cells[1].strip().replace("`", "");
            rows.put(name, new String[] {name, cells[2].strip(), cells[3].strip()});
        }
        return rows;
    }
}
