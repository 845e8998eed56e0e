package dev.gantry.testsupport;

import java.awt.image.BufferedImage;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Random;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;

/** Small dataset uploads made in code: images of every colour type, ZIPs, IDX and NPY files, multipart bodies. */
public final class DatasetFiles {

    private DatasetFiles() {}

    /** Gray noise, 8 bits. */
    public static BufferedImage gray(int width, int height, long seed) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
        fill(image.getRaster(), 255, seed);
        return image;
    }

    /** Gray noise, 16 bits per sample. */
    public static BufferedImage gray16(int width, int height, long seed) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_USHORT_GRAY);
        fill(image.getRaster(), 65535, seed);
        return image;
    }

    public static BufferedImage rgb(int width, int height, long seed) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
        fill(image.getRaster(), 255, seed);
        return image;
    }

    /** Every pixel the given 0xRRGGBB. */
    public static BufferedImage solid(int width, int height, int rgb) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                image.setRGB(x, y, rgb);
            }
        }
        return image;
    }

    /** Every pixel the given colour at the given alpha (0-255). */
    public static BufferedImage translucent(int width, int height, int rgb, int alpha) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_ARGB);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                image.setRGB(x, y, alpha << 24 | rgb);
            }
        }
        return image;
    }

    /** A 4-colour palette image: red, green, blue, white stripes. */
    public static BufferedImage palette(int width, int height) {
        byte[] r = {(byte) 255, 0, 0, (byte) 255};
        byte[] g = {0, (byte) 255, 0, (byte) 255};
        byte[] b = {0, 0, (byte) 255, (byte) 255};
        BufferedImage image =
                new BufferedImage(width, height, BufferedImage.TYPE_BYTE_INDEXED, new IndexColorModel(2, 4, r, g, b));
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                image.getRaster().setSample(x, y, 0, x % 4);
            }
        }
        return image;
    }

    private static void fill(WritableRaster raster, int max, long seed) {
        Random random = new Random(seed);
        for (int y = 0; y < raster.getHeight(); y++) {
            for (int x = 0; x < raster.getWidth(); x++) {
                for (int band = 0; band < raster.getNumBands(); band++) {
                    raster.setSample(x, y, band, random.nextInt(max + 1));
                }
            }
        }
    }

    public static byte[] png(BufferedImage image) {
        return encode(image, "png");
    }

    public static byte[] jpeg(BufferedImage image) {
        return encode(image, "jpeg");
    }

    private static byte[] encode(BufferedImage image, String format) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(image, format, out)) {
                throw new IllegalStateException("no " + format + " writer for " + image);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /**
     * A CMYK JPEG of one colour, with the Adobe marker that says so. Adobe's convention stores
     * the inks inverted; cyan 0, magenta 1, yellow 1, black 0 is red.
     */
    public static byte[] cmykRedJpeg(int width, int height) {
        WritableRaster raster = Raster.createInterleavedRaster(DataBuffer.TYPE_BYTE, width, height, 4, null);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                raster.setPixel(x, y, new int[] {255, 0, 0, 255});
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        try (ImageOutputStream stream = ImageIO.createImageOutputStream(out)) {
            writer.setOutput(stream);
            writer.write(null, new IIOImage(raster, null, null), null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            writer.dispose();
        }
        byte[] plain = out.toByteArray();
        byte[] adobe = {(byte) 0xFF, (byte) 0xEE, 0, 14, 'A', 'd', 'o', 'b', 'e', 0, 100, 0, 0, 0, 0, 0};
        byte[] marked = new byte[plain.length + adobe.length];
        System.arraycopy(plain, 0, marked, 0, 2);
        System.arraycopy(adobe, 0, marked, 2, adobe.length);
        System.arraycopy(plain, 2, marked, 2 + adobe.length, plain.length - 2);
        return marked;
    }

    /** A PNG whose header claims the given size, with a single tiny (wrong) data chunk. */
    public static byte[] pngClaiming(int width, int height) {
        byte[] real = png(gray(1, 1, 1));
        byte[] lie = real.clone();
        ByteBuffer.wrap(lie).putInt(16, width).putInt(20, height);
        // The IHDR CRC covers the sizes: fix it, so only the size is the lie.
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(lie, 12, 17);
        ByteBuffer.wrap(lie).putInt(29, (int) crc.getValue());
        return lie;
    }

    /**
     * A gray PNG of zeros whose image data is stored uncompressed (zlib level 0): a valid image
     * that a ZIP deflates about a thousandfold, the making of a zip bomb that still decodes.
     */
    public static byte[] uncompressedPng(int width, int height) {
        byte[] raw = new byte[height * (width + 1)];
        java.util.zip.Deflater deflater = new java.util.zip.Deflater(java.util.zip.Deflater.NO_COMPRESSION);
        deflater.setInput(raw);
        deflater.finish();
        ByteArrayOutputStream idat = new ByteArrayOutputStream();
        byte[] buffer = new byte[65_536];
        while (!deflater.finished()) {
            idat.write(buffer, 0, deflater.deflate(buffer));
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10});
        chunk(
                out,
                "IHDR",
                ByteBuffer.allocate(13)
                        .putInt(width)
                        .putInt(height)
                        .put((byte) 8)
                        .array());
        chunk(out, "IDAT", idat.toByteArray());
        chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
        byte[] typeBytes = type.getBytes(StandardCharsets.US_ASCII);
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(typeBytes);
        crc.update(data);
        out.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
        out.writeBytes(typeBytes);
        out.writeBytes(data);
        out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }

    /** Entries stored, not deflated: each inflates to exactly its own size. */
    public static byte[] storedZip(Map<String, byte[]> entries) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                ZipEntry entry = new ZipEntry(e.getKey());
                entry.setMethod(ZipEntry.STORED);
                entry.setSize(e.getValue().length);
                entry.setCompressedSize(e.getValue().length);
                java.util.zip.CRC32 crc = new java.util.zip.CRC32();
                crc.update(e.getValue());
                entry.setCrc(crc.getValue());
                zip.putNextEntry(entry);
                zip.write(e.getValue());
                zip.closeEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /**
     * Rewrites the uncompressed size every central directory record declares, as a zip bomb
     * lies about itself.
     */
    public static byte[] lyingSizes(byte[] zip, int declaredSize) {
        byte[] copy = zip.clone();
        ByteBuffer buffer = ByteBuffer.wrap(copy).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i + 46 <= copy.length; i++) {
            if (buffer.getInt(i) == 0x02014b50) {
                buffer.putInt(i + 24, declaredSize);
            }
        }
        return copy;
    }

    /** Entries in the map's order; a null value is a directory. */
    public static byte[] zip(Map<String, byte[]> entries) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                zip.putNextEntry(new ZipEntry(e.getKey()));
                if (e.getValue() != null) {
                    zip.write(e.getValue());
                }
                zip.closeEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** An IDX images file: {@code count} images of {@code height × width}, pixel i of image n = (n + i) mod 256. */
    public static byte[] idxImages(int count, int height, int width) {
        ByteBuffer buffer = ByteBuffer.allocate(16 + count * height * width);
        buffer.putInt(0x00000803).putInt(count).putInt(height).putInt(width);
        for (int n = 0; n < count; n++) {
            for (int i = 0; i < height * width; i++) {
                buffer.put((byte) (n + i));
            }
        }
        return buffer.array();
    }

    public static byte[] idxLabels(int... labels) {
        ByteBuffer buffer = ByteBuffer.allocate(8 + labels.length);
        buffer.putInt(0x00000801).putInt(labels.length);
        for (int label : labels) {
            buffer.put((byte) label);
        }
        return buffer.array();
    }

    public static byte[] gzip(byte[] bytes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
            gzip.write(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** An NPY v1 file with the given dtype, shape and raw data. */
    public static byte[] npy(String descr, long[] shape, byte[] data) {
        StringBuilder tuple = new StringBuilder("(");
        for (long d : shape) {
            tuple.append(d).append(", ");
        }
        String dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + tuple.append(")") + ", }";
        int unpadded = 10 + dict.length() + 1;
        String header = dict + " ".repeat((64 - unpadded % 64) % 64) + "\n";
        ByteBuffer buffer = ByteBuffer.allocate(10 + header.length() + data.length);
        buffer.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0});
        buffer.putShort(Short.reverseBytes((short) header.length()));
        buffer.put(header.getBytes(StandardCharsets.ISO_8859_1));
        buffer.put(data);
        return buffer.array();
    }

    /** {@code count} uint8 images (N, H, W, C) or (N, H, W) when channels is 0; byte i of image n = (3n + i) mod 256. */
    public static byte[] npyImages(int count, int height, int width, int channels) {
        int per = height * width * Math.max(1, channels);
        byte[] data = new byte[count * per];
        for (int n = 0; n < count; n++) {
            for (int i = 0; i < per; i++) {
                data[n * per + i] = (byte) (3 * n + i);
            }
        }
        long[] shape = channels == 0 ? new long[] {count, height, width} : new long[] {count, height, width, channels};
        return npy("|u1", shape, data);
    }

    /** int64 little-endian labels of shape (N,). */
    public static byte[] npyLabels(long... labels) {
        ByteBuffer data = ByteBuffer.allocate(8 * labels.length).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        for (long label : labels) {
            data.putLong(label);
        }
        return npy("<i8", new long[] {labels.length}, data.array());
    }

    public record Multipart(String contentType, byte[] body) {}

    /** Parts in order; a part whose name is "file" is sent as a file. */
    public static Multipart multipart(Map<String, byte[]> parts) {
        String boundary = "gantry-test-boundary-7MA4YWxkTrZu0gW";
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Map.Entry<String, byte[]> part : parts.entrySet()) {
            String disposition = "Content-Disposition: form-data; name=\"" + part.getKey() + "\""
                    + (part.getKey().equals("file")
                            ? "; filename=\"data.bin\"\r\nContent-Type: application/octet-stream"
                            : "");
            out.writeBytes(("--" + boundary + "\r\n" + disposition + "\r\n\r\n").getBytes(StandardCharsets.UTF_8));
            out.writeBytes(part.getValue());
            out.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
        }
        out.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return new Multipart("multipart/form-data; boundary=" + boundary, out.toByteArray());
    }
}
