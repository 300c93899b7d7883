package dev.herald.standalone;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarFile;
import java.util.logging.Logger;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;

/**
 * Loads every one of Herald's own classes before the first connection. A class is read from its file the first time
 * it is used, and from a directory of classes (as {@code mvn exec:java} runs Herald) that means opening a file. At the
 * open-files limit that open fails, so the first connection to need, say, a close reason's class would throw
 * {@code NoClassDefFoundError}, and that class would stay broken until a restart. Loaded up front, no failure path
 * depends on a free descriptor. (From a jar, the class loader keeps the jar open; loading costs no descriptor, but the
 * same early load does no harm.)
 */
final class ServerClasses {

    private static final Logger LOG = Logger.getLogger(ServerClasses.class.getName());
    private static final String ROOT = "dev/herald/";
    private static final String SUFFIX = ".class";

    private ServerClasses() {
    }

    /** Loads (without initialising) every class under {@code dev.herald} where this class came from; their count. */
    static int load() throws IOException {
        ClassLoader loader = ServerClasses.class.getClassLoader();
        List<String> names = namesBeside(ServerClasses.class);
        for (String name : names) {
            try {
                Class.forName(name, false, loader);
            } catch (ClassNotFoundException e) {
                throw new IOException("Herald's class " + name + " is listed but cannot be loaded", e);
            }
        }
        LOG.fine(() -> "loaded " + names.size() + " of Herald's classes before the first connection");
        return names.size();
    }

    /** The binary names of the classes under {@code dev/herald/} in {@code anchor}'s directory or jar. */
    static List<String> namesBeside(Class<?> anchor) throws IOException {
        Path source;
        try {
            source = Path.of(anchor.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException | SecurityException e) {
            throw new IOException("cannot tell where Herald's classes are", e);
        }
        if (Files.isDirectory(source)) {
            Path root = source.resolve(ROOT);
            try (Stream<Path> files = Files.walk(root)) {
                return files.map(file -> source.relativize(file).toString().replace(file.getFileSystem().getSeparator(), "/"))
                        .filter(ServerClasses::isClass)
                        .map(ServerClasses::binaryName)
                        .toList();
            } catch (UncheckedIOException e) {
                throw e.getCause();
            }
        }
        try (JarFile jar = new JarFile(source.toFile())) {
            return jar.stream().map(ZipEntry::getName)
                    .filter(entry -> entry.startsWith(ROOT) && isClass(entry))
                    .map(ServerClasses::binaryName)
                    .toList();
        }
    }

    private static boolean isClass(String path) {
        return path.endsWith(SUFFIX) && !path.endsWith("module-info.class") && !path.endsWith("package-info.class");
    }

    private static String binaryName(String path) {
        return path.substring(0, path.length() - SUFFIX.length()).replace('/', '.');
    }
}
