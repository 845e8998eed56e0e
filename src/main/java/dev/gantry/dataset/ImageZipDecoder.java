package dev.gantry.dataset;

import dev.gantry.training.data.ImageFitting;
import dev.gantry.training.data.ImageTensorFile;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.stream.ImageInputStream;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;

/**
 * A ZIP of PNG and JPEG files. Sub-folders are classes: after a folder that holds everything is
 * stripped ({@code zip -r photos.zip photos/}), the first folder of each path is its class, classes
 * sorted by name. A ZIP without sub-folders is unlabeled; in one with them, files outside any
 * class folder are skipped.
 *
 * <p>Two passes. The first reads only each image's header (format, size, colour), so that an image
 * claiming 100000×100000 is skipped before a pixel is decoded, and the common shape is known:
 * grayscale unless any image has colour; the images' own size when they all share one within
 * {@code gantry.datasets.max-resolution}, else each is center-cropped to a square and area-resized
 * to the smallest square side (capped by the max resolution). The second decodes and appends
 * one image at a time.
 *
 * <p>Entries left out are counted by reason: {@code hidden} (dot files, {@code __MACOSX/}),
 * {@code nested-archive}, {@code unsupported-compression}, {@code not-an-image} (not a PNG or
 * JPEG), {@code too-many-pixels}, {@code corrupt}, {@code outside-class-folder}.
 */
final class ImageZipDecoder {

    private static final Set<String> FORMATS = Set.of("png", "jpeg");
    private static final Set<String> ARCHIVES =
            Set.of(".zip", ".gz", ".tgz", ".tar", ".7z", ".rar", ".bz2", ".xz", ".zst", ".jar", ".npz");

    private static final java.util.regex.Pattern DATA_LOST =
            java.util.regex.Pattern.compile("truncat|corrupt|premature", java.util.regex.Pattern.CASE_INSENSITIVE);

    static {
        // Decoding streams from memory: no temp files of ImageIO's own left behind in the server.
        ImageIO.setUseCache(false);
    }

    private ImageZipDecoder() {}

    private record Candidate(ZipArchiveEntry entry, String path, String className) {}

    private record Header(Candidate candidate, int width, int height, boolean colour) {}

    static Decoded decode(ZipDirectory zip, DecodeContext context) throws IOException {
        List<Candidate> candidates = candidates(zip, context);
        Set<String> classes = new TreeSet<>();
        candidates.forEach(c -> {
            if (c.className() != null) {
                classes.add(c.className());
            }
        });
        List<String> classNames = new ArrayList<>(classes);

        List<Header> headers = new ArrayList<>();
        int processed = 0;
        int total = candidates.size() * 2;
        for (Candidate candidate : candidates) {
            Header header = header(zip, candidate, context);
            if (header != null) {
                headers.add(header);
            }
            context.progress(++processed, total);
        }
        if (headers.isEmpty()) {
            throw new DatasetContentException("no PNG or JPEG image could be read" + skippedSummary(context));
        }

        int channels = headers.stream().anyMatch(Header::colour) ? 3 : 1;
        Shape shape = shape(headers, context.settings().maxResolution());
        context.checkSize(headers.size(), channels, shape.height, shape.width);
        int[] classCounts = new int[classNames.size()];
        int appended = 0;
        try (ImageTensorFile.Writer writer =
                ImageTensorFile.writer(context.tensorFile(), channels, shape.height, shape.width)) {
            for (Header header : headers) {
                byte[] pixels = pixels(zip, header, channels, shape, context);
                if (pixels != null) {
                    String className = header.candidate().className();
                    if (className == null) {
                        writer.append(pixels);
                    } else {
                        int label = classNames.indexOf(className);
                        writer.append(pixels, label);
                        classCounts[label]++;
                    }
                    appended++;
                }
                context.progress(++processed, total);
            }
            if (appended == 0) {
                throw new DatasetContentException("no PNG or JPEG image could be decoded" + skippedSummary(context));
            }
            writer.finish(classNames);
        }
        List<Integer> counts = new ArrayList<>();
        for (int count : classCounts) {
            counts.add(count);
        }
        return new Decoded(appended, channels, shape.height, shape.width, classNames, counts, shape.note);
    }

    /** The entries that may be images, with their class; every other file is counted as skipped. */
    private static List<Candidate> candidates(ZipDirectory zip, DecodeContext context) {
        List<ZipArchiveEntry> files = new ArrayList<>();
        for (ZipArchiveEntry entry : zip.files()) {
            String name = entry.getName();
            String lower = name.toLowerCase(Locale.ROOT);
            if (name.startsWith("__MACOSX/") || name.startsWith(".") || name.contains("/.")) {
                context.skip("hidden");
            } else if (ARCHIVES.stream().anyMatch(lower::endsWith)) {
                context.skip("nested-archive");
            } else if (!ZipDirectory.supported(entry)) {
                context.skip("unsupported-compression");
            } else {
                files.add(entry);
            }
        }
        // Strip folders that hold everything: photos/cat/1.png and photos/dog/2.png are cat and dog.
        int strip = 0;
        while (!files.isEmpty()) {
            String first = segment(files.get(0).getName(), strip);
            int depth = strip;
            boolean common = first != null
                    && files.stream()
                            .allMatch(f -> first.equals(segment(f.getName(), depth))
                                    && f.getName().split("/").length > depth + 1);
            if (!common) {
                break;
            }
            strip++;
        }
        int stripped = strip;
        boolean foldered = files.stream().anyMatch(f -> f.getName().split("/").length > stripped + 1);
        List<Candidate> candidates = new ArrayList<>();
        for (ZipArchiveEntry file : files) {
            String[] segments = file.getName().split("/");
            if (!foldered) {
                candidates.add(new Candidate(file, file.getName(), null));
            } else if (segments.length > stripped + 1) {
                candidates.add(new Candidate(file, file.getName(), segments[stripped]));
            } else {
                context.skip("outside-class-folder");
            }
        }
        return candidates;
    }

    private static String segment(String name, int index) {
        String[] segments = name.split("/");
        return index < segments.length ? segments[index] : null;
    }

    /** Reads the header only; null (and counted) when the entry is not a usable image. */
    private static Header header(ZipDirectory zip, Candidate candidate, DecodeContext context) throws IOException {
        try (InputStream in = zip.open(candidate.entry());
                ImageInputStream images = ImageIO.createImageInputStream(in)) {
            ImageReader reader = reader(images);
            if (reader == null) {
                context.skip("not-an-image");
                return null;
            }
            try {
                reader.setInput(images, true, true);
                int width = reader.getWidth(0);
                int height = reader.getHeight(0);
                if ((long) width * height > context.settings().maxImagePixels()) {
                    context.skip("too-many-pixels");
                    return null;
                }
                ImageTypeSpecifier type = reader.getRawImageType(0);
                boolean colour = type == null || ImagePixels.isColour(type.getColorModel());
                return new Header(candidate, width, height, colour);
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            zip.checkLimits();
            context.skip("corrupt");
            return null;
        } finally {
            zip.checkLimits();
        }
    }

    /** Decodes one image into the common shape; null (and counted) when it fails to decode. */
    private static byte[] pixels(ZipDirectory zip, Header header, int channels, Shape shape, DecodeContext context)
            throws IOException {
        BufferedImage image;
        try (InputStream in = zip.open(header.candidate().entry());
                ImageInputStream images = ImageIO.createImageInputStream(in)) {
            ImageReader reader = reader(images);
            if (reader == null) {
                context.skip("corrupt");
                return null;
            }
            try {
                reader.setInput(images, true, true);
                // The header was checked in the first pass; check again, the budget is what keeps memory bounded.
                if ((long) reader.getWidth(0) * reader.getHeight(0)
                        > context.settings().maxImagePixels()) {
                    context.skip("too-many-pixels");
                    return null;
                }
                // A JPEG that ends early decodes with its rest filled gray, and only a warning says so.
                // (Other warnings, such as a CMYK file without a colour profile, lose nothing.)
                boolean[] warned = {false};
                reader.addIIOReadWarningListener((source, warning) ->
                        warned[0] |= DATA_LOST.matcher(warning).find());
                image = reader.read(0);
                if (warned[0]) {
                    context.skip("corrupt");
                    return null;
                }
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            zip.checkLimits();
            context.skip("corrupt");
            return null;
        } finally {
            zip.checkLimits();
        }
        if (image.getWidth() != header.width() || image.getHeight() != header.height()) {
            context.skip("corrupt");
            return null;
        }
        byte[] chw = ImagePixels.toChw(image, channels);
        if (shape.crop) {
            return ImageFitting.cropAndResize(chw, channels, header.height(), header.width(), shape.height);
        }
        return chw;
    }

    private static ImageReader reader(ImageInputStream images) {
        if (images == null) {
            return null;
        }
        Iterator<ImageReader> readers = ImageIO.getImageReaders(images);
        while (readers.hasNext()) {
            ImageReader reader = readers.next();
            try {
                if (FORMATS.contains(reader.getFormatName().toLowerCase(Locale.ROOT))) {
                    return reader;
                }
            } catch (IOException e) {
                // A reader that cannot name its format is not one of ours.
            }
            reader.dispose();
        }
        return null;
    }

    private record Shape(int height, int width, boolean crop, String note) {}

    private static Shape shape(List<Header> headers, int maxResolution) {
        Header first = headers.get(0);
        boolean same = headers.stream().allMatch(h -> h.width() == first.width() && h.height() == first.height());
        if (same && first.width() <= maxResolution && first.height() <= maxResolution) {
            return new Shape(first.height(), first.width(), false, null);
        }
        int side = maxResolution;
        int minWidth = Integer.MAX_VALUE;
        int minHeight = Integer.MAX_VALUE;
        int maxWidth = 0;
        int maxHeight = 0;
        for (Header h : headers) {
            side = Math.min(side, Math.min(h.width(), h.height()));
            minWidth = Math.min(minWidth, h.width());
            minHeight = Math.min(minHeight, h.height());
            maxWidth = Math.max(maxWidth, h.width());
            maxHeight = Math.max(maxHeight, h.height());
        }
        String sizes = same
                ? first.width() + "×" + first.height() + " images, larger than gantry.datasets.max-resolution,"
                : "mixed sizes (widths " + minWidth + "–" + maxWidth + ", heights " + minHeight + "–" + maxHeight
                        + "),";
        return new Shape(
                side, side, true, sizes + " center-cropped to squares and area-resized to " + side + "×" + side);
    }

    private static String skippedSummary(DecodeContext context) {
        return context.skipped().isEmpty() ? "" : "; skipped: " + context.skipped();
    }
}
