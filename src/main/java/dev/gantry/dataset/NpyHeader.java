package dev.gantry.dataset;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The header of a NumPy {@code .npy} file, parsed as data: a small parser for the one dict literal
 * the format allows ({@code {'descr': '|u1', 'fortran_order': False, 'shape': (N, H, W), }}),
 * never evaluated. Object arrays ({@code |O}) hold pickles; they are refused by their dtype and
 * never read.
 *
 * @param kind {@code 'u'} unsigned or {@code 'i'} signed integer, {@code 'b'} boolean
 * @param itemSize bytes per element: 1, 2, 4 or 8
 * @param bigEndian the byte order of multi-byte elements
 * @param headerBytes the length of everything before the data
 */
record NpyHeader(char kind, int itemSize, boolean bigEndian, long[] shape, long headerBytes) {

    static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};

    // numpy's own reader refuses headers over 10 000 bytes by default (max_header_size).
    private static final int MAX_HEADER = 65_536;
    private static final Pattern DESCR = Pattern.compile("([<>|=]?)([a-zA-Z])(\\d*)");

    long elements() {
        long n = 1;
        for (long d : shape) {
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    long dataBytes() {
        return Math.multiplyExact(elements(), itemSize);
    }

    /** @throws DatasetContentException when the header is not one this reader accepts */
    static NpyHeader read(InputStream stream) throws IOException {
        DataInputStream in = new DataInputStream(stream);
        try {
            byte[] magic = in.readNBytes(MAGIC.length);
            if (!Arrays.equals(magic, MAGIC)) {
                throw new DatasetContentException("is not an NPY file (bad magic)");
            }
            int major = in.readUnsignedByte();
            in.readUnsignedByte();
            long length;
            if (major == 1) {
                length = Short.toUnsignedInt(Short.reverseBytes(in.readShort()));
            } else if (major == 2 || major == 3) {
                length = Integer.toUnsignedLong(Integer.reverseBytes(in.readInt()));
            } else {
                throw new DatasetContentException("is NPY format version " + major + "; versions 1 to 3 are read");
            }
            if (length > MAX_HEADER) {
                throw new DatasetContentException("has an NPY header of " + length + " bytes, more than " + MAX_HEADER);
            }
            byte[] text = in.readNBytes((int) length);
            if (text.length < length) {
                throw new DatasetContentException("is truncated inside its NPY header");
            }
            long headerBytes = MAGIC.length + 2 + (major == 1 ? 2 : 4) + length;
            return parse(
                    new String(text, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1), headerBytes);
        } catch (EOFException e) {
            throw new DatasetContentException("is truncated inside its NPY header");
        }
    }

    private static NpyHeader parse(String text, long headerBytes) {
        Map<String, Object> dict = new Literal(text).dict();
        if (!dict.keySet().equals(java.util.Set.of("descr", "fortran_order", "shape"))) {
            throw new DatasetContentException(
                    "has an NPY header with keys " + dict.keySet() + "; expected descr, fortran_order and shape");
        }
        if (!(dict.get("descr") instanceof String descr)) {
            throw new DatasetContentException("has a structured NPY dtype; a plain uint8 array is expected");
        }
        if (!(dict.get("fortran_order") instanceof Boolean fortran)) {
            throw new DatasetContentException("has an NPY fortran_order that is not True or False");
        }
        if (fortran) {
            throw new DatasetContentException(
                    "is a Fortran-ordered NPY array; save it C-ordered " + "(numpy.ascontiguousarray) instead");
        }
        if (!(dict.get("shape") instanceof long[] shape)) {
            throw new DatasetContentException("has an NPY shape that is not a tuple of integers");
        }
        Matcher m = DESCR.matcher(descr);
        if (!m.matches()) {
            throw new DatasetContentException("has an unknown NPY dtype '" + printable(descr) + "'");
        }
        char kind = m.group(2).charAt(0);
        if (kind == 'O') {
            throw new DatasetContentException("is an NPY array of dtype object (pickled Python objects), "
                    + "which is never loaded; save a uint8 array");
        }
        int size = m.group(3).isEmpty()
                ? -1
                : Integer.parseInt(
                        m.group(3).substring(0, Math.min(3, m.group(3).length())));
        boolean integer = (kind == 'u' || kind == 'i') && (size == 1 || size == 2 || size == 4 || size == 8);
        if (!integer && !(kind == 'b' && size == 1)) {
            throw new DatasetContentException(
                    "has NPY dtype '" + printable(descr) + "'; integer arrays are read " + "(uint8 for images)");
        }
        try {
            long elements = 1;
            for (long d : shape) {
                elements = Math.multiplyExact(elements, d);
            }
            Math.multiplyExact(elements, (long) size);
        } catch (ArithmeticException e) {
            throw new DatasetContentException("has an NPY shape whose size overflows");
        }
        return new NpyHeader(kind, size, m.group(1).equals(">"), shape, headerBytes);
    }

    private static String printable(String s) {
        return ZipDirectory.printable(s.length() > 40 ? s.substring(0, 40) + "…" : s);
    }

    /** The Python literal subset of NPY headers: a dict of strings, booleans and tuples of integers. */
    private static final class Literal {

        private final String text;
        private int at;

        Literal(String text) {
            this.text = text;
        }

        Map<String, Object> dict() {
            expect('{');
            Map<String, Object> dict = new LinkedHashMap<>();
            while (!peek('}')) {
                String key = string();
                expect(':');
                if (dict.put(key, value()) != null) {
                    throw bad("key '" + key + "' twice");
                }
                if (!peek('}')) {
                    expect(',');
                }
            }
            expect('}');
            skipSpace();
            if (at != text.length()) {
                throw bad("text after the dict");
            }
            return dict;
        }

        private Object value() {
            skipSpace();
            if (at >= text.length()) {
                throw bad("a value is missing");
            }
            char c = text.charAt(at);
            if (c == '\'' || c == '"') {
                return string();
            }
            if (c == '(') {
                return tuple();
            }
            if (c == '[') {
                // A structured dtype is a list of fields; not an image array.
                return List.of();
            }
            if (text.startsWith("True", at)) {
                at += 4;
                return true;
            }
            if (text.startsWith("False", at)) {
                at += 5;
                return false;
            }
            throw bad("unexpected '" + c + "'");
        }

        private long[] tuple() {
            expect('(');
            List<Long> values = new ArrayList<>();
            while (!peek(')')) {
                skipSpace();
                int start = at;
                while (at < text.length() && Character.isDigit(text.charAt(at)) && at - start < 18) {
                    at++;
                }
                if (start == at) {
                    throw bad("a shape entry is not a non-negative integer");
                }
                values.add(Long.parseLong(text.substring(start, at)));
                if (values.size() > 8) {
                    throw bad("more than 8 dimensions");
                }
                if (!peek(')')) {
                    expect(',');
                }
            }
            expect(')');
            return values.stream().mapToLong(Long::longValue).toArray();
        }

        private String string() {
            skipSpace();
            if (at >= text.length() || (text.charAt(at) != '\'' && text.charAt(at) != '"')) {
                throw bad("a string is expected");
            }
            char quote = text.charAt(at++);
            int end = text.indexOf(quote, at);
            if (end < 0 || end - at > 200) {
                throw bad("a string does not end");
            }
            String s = text.substring(at, end);
            at = end + 1;
            return s;
        }

        private boolean peek(char c) {
            skipSpace();
            return at < text.length() && text.charAt(at) == c;
        }

        private void expect(char c) {
            if (!peek(c)) {
                throw bad("'" + c + "' expected at " + at);
            }
            at++;
        }

        private void skipSpace() {
            while (at < text.length() && Character.isWhitespace(text.charAt(at))) {
                at++;
            }
        }

        private DatasetContentException bad(String what) {
            return new DatasetContentException("has a malformed NPY header: " + what);
        }
    }
}
