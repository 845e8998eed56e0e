package dev.gantry.deploy;

import java.util.ArrayList;
import java.util.List;

/**
 * A Dockerfile read as its instructions: comments dropped, continued lines joined, each
 * instruction with the stage it belongs to. Enough to check one statically where no Docker engine
 * runs.
 */
record Dockerfiles(List<Instruction> instructions) {

    /**
     * @param stage the name of the stage ({@code AS name}), or null before the first FROM and for
     *     an unnamed one
     */
    record Instruction(String keyword, String arguments, String stage) {}

    static Dockerfiles parse(String text) {
        List<Instruction> out = new ArrayList<>();
        String stage = null;
        StringBuilder pending = new StringBuilder();
        for (String raw : text.split("\n")) {
            String line = raw.strip();
            if (pending.isEmpty() && (line.isEmpty() || line.startsWith("#"))) {
                continue;
            }
            if (line.startsWith("#")) {
                continue; // a comment inside a continued instruction
            }
            if (line.endsWith("\\")) {
                pending.append(line, 0, line.length() - 1).append(' ');
                continue;
            }
            pending.append(line);
            String instruction = pending.toString().strip();
            pending.setLength(0);
            int space = instruction.indexOf(' ');
            String keyword = (space < 0 ? instruction : instruction.substring(0, space)).toUpperCase();
            String arguments = space < 0 ? "" : instruction.substring(space + 1).strip();
            if (keyword.equals("FROM")) {
                String[] words = arguments.split("\\s+");
                stage = words.length >= 3 && words[words.length - 2].equalsIgnoreCase("AS")
                        ? words[words.length - 1]
                        : null;
            }
            out.add(new Instruction(keyword, arguments, stage));
        }
        return new Dockerfiles(out);
    }

    List<Instruction> in(String stage) {
        return instructions.stream().filter(i -> stage.equals(i.stage())).toList();
    }

    List<Instruction> all(String keyword) {
        return instructions.stream().filter(i -> i.keyword().equals(keyword)).toList();
    }

    /** Stage names in order. */
    List<String> stages() {
        return all("FROM").stream().map(Instruction::stage).toList();
    }
}
