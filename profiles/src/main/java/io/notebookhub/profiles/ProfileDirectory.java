package io.notebookhub.profiles;

import io.notebookhub.profiles.internal.FolderFiles;
import io.notebookhub.profiles.internal.FolderWatcher;
import io.notebookhub.profiles.internal.ProfileSet;
import io.notebookhub.profiles.internal.ProfileSetLoader;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The profiles of one folder (or the bundled defaults), kept in force until a valid change replaces them.
 *
 * <p>Typical wiring: {@code ProfileDirectory.openOrDefaults(dir)}, then {@code onReload(...)} for metrics, then
 * {@code start()}; {@code close()} on shutdown. Reads are lock-free; reloads and saves are serialised.
 */
public final class ProfileDirectory implements ProfileCatalog, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ProfileDirectory.class);
    /** The shipped profile files, packed into the jar beside this class under {@code defaults/}. */
    public static final List<String> BUNDLED_FILES = List.of("01-small.yaml", "02-large.yaml", "03-gpu.yaml");
    public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofSeconds(5);
    private static final String BUNDLED_PREFIX = "/io/notebookhub/profiles/defaults/";

    private final Path folder;
    private final List<Consumer<ReloadOutcome>> listeners = new CopyOnWriteArrayList<>();
    private volatile ProfileSet current;
    private volatile String lastError;
    private String lastFingerprint;
    private FolderWatcher watcher;

    private ProfileDirectory(Path folder, ProfileSet initial, String fingerprint) {
        this.folder = folder;
        this.current = initial;
        this.lastFingerprint = fingerprint;
    }

    /**
     * Loads {@code folder}. Fails with every error when the files are invalid: at start-up there is no last good
     * set to keep, and starting with a surprise set would be worse than not starting.
     */
    public static ProfileDirectory open(Path folder) {
        Map<String, String> files = readFolder(folder);
        ProfileSetLoader.Result result = ProfileSetLoader.load(displayNames(folder, files), folder.toString());
        if (!result.valid()) {
            throw new InvalidProfilesException(result.errors());
        }
        log.info("Loaded {} profiles from {}: {}", result.profiles().size(), folder, slugs(result.profiles()));
        return new ProfileDirectory(folder, new ProfileSet(result.profiles()), FolderFiles.fingerprint(files));
    }

    /** {@link #open} when the folder exists, else the shipped defaults. */
    public static ProfileDirectory openOrDefaults(Path folder) {
        if (folder != null && Files.isDirectory(folder)) {
            return open(folder);
        }
        log.info("No profiles folder at {}; using the bundled default profiles", folder);
        return bundledDefaults();
    }

    /** The profiles shipped in this module's jar (a small CPU default, a large CPU and a GPU profile). */
    public static ProfileDirectory bundledDefaults() {
        ProfileSetLoader.Result result = ProfileSetLoader.load(bundledFiles(), "bundled defaults");
        if (!result.valid()) {
            throw new InvalidProfilesException(result.errors());
        }
        return new ProfileDirectory(null, new ProfileSet(result.profiles()), null);
    }

    /** Validates a folder without keeping it (for the CLI and for checks before deploying). */
    public static List<ProfileError> check(Path folder) {
        return read(folder).errors();
    }

    /** Reads and validates a folder once, without logging or watching. */
    static ProfileSetLoader.Result read(Path folder) {
        try {
            Map<String, String> files = FolderFiles.read(folder);
            return ProfileSetLoader.load(displayNames(folder, files), folder.toString());
        } catch (IOException e) {
            return new ProfileSetLoader.Result(List.of(), List.of(new ProfileError(folder.toString(), 0, 0,
                    "cannot read the folder: " + e)));
        }
    }

    private static Map<String, String> bundledFiles() {
        Map<String, String> files = new LinkedHashMap<>();
        for (String name : BUNDLED_FILES) {
            try (InputStream in = ProfileDirectory.class.getResourceAsStream(BUNDLED_PREFIX + name)) {
                if (in == null) {
                    throw new IllegalStateException("bundled profile " + name + " is missing from the jar");
                }
                files.put("defaults/" + name, new String(in.readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return files;
    }

    private static Map<String, String> readFolder(Path folder) {
        try {
            return FolderFiles.read(folder);
        } catch (IOException e) {
            throw new InvalidProfilesException(List.of(new ProfileError(folder.toString(), 0, 0,
                    "cannot read the folder: " + e)));
        }
    }

    private static Map<String, String> displayNames(Path folder, Map<String, String> files) {
        Map<String, String> out = new LinkedHashMap<>();
        files.forEach((name, text) -> out.put(folder.resolve(name).toString(), text));
        return out;
    }

    private static String slugs(List<Profile> profiles) {
        return profiles.stream().map(Profile::slug).collect(Collectors.joining(", "));
    }

    /** Watches the folder with the default poll interval; a no-op for the bundled defaults. */
    public ProfileDirectory start() {
        return start(DEFAULT_POLL_INTERVAL);
    }

    /** Watches the folder; {@code pollInterval} bounds how long a change WatchService missed goes unnoticed. */
    public synchronized ProfileDirectory start(Duration pollInterval) {
        if (folder == null || watcher != null) {
            return this;
        }
        watcher = new FolderWatcher(folder, pollInterval, this::reloadIfChanged);
        watcher.start();
        log.info("Watching {} for profile changes (checking at least every {})", folder, pollInterval);
        return this;
    }

    /** Called after every reload attempt that found changed files, applied or refused (e.g. for a metric). */
    public void onReload(Consumer<ReloadOutcome> listener) {
        listeners.add(listener);
    }

    /** The folder, or empty for the bundled defaults. */
    public Optional<Path> folder() {
        return Optional.ofNullable(folder);
    }

    /** Reads the folder again if any profile file's content changed since the last attempt. */
    public synchronized Optional<ReloadOutcome> reloadIfChanged() {
        if (folder == null) {
            return Optional.empty();
        }
        Map<String, String> files;
        try {
            files = FolderFiles.read(folder);
        } catch (IOException e) {
            // Remembered like a content fingerprint, so a folder that stays unreadable is reported once.
            String unreadable = "unreadable: " + e;
            if (unreadable.equals(lastFingerprint)) {
                return Optional.empty();
            }
            return Optional.of(refuse(unreadable, List.of(new ProfileError(folder.toString(), 0, 0,
                    "cannot read the folder: " + e))));
        }
        String fingerprint = FolderFiles.fingerprint(files);
        if (fingerprint.equals(lastFingerprint)) {
            return Optional.empty();
        }
        return Optional.of(apply(files, fingerprint));
    }

    /** Reads the folder now, whether or not it changed. */
    public synchronized ReloadOutcome reload() {
        if (folder == null) {
            return new ReloadOutcome(true, current.profiles(), List.of(), Instant.now());
        }
        Map<String, String> files;
        try {
            files = FolderFiles.read(folder);
        } catch (IOException e) {
            return refuse(null, List.of(new ProfileError(folder.toString(), 0, 0, "cannot read the folder: " + e)));
        }
        return apply(files, FolderFiles.fingerprint(files));
    }

    private ReloadOutcome apply(Map<String, String> files, String fingerprint) {
        ProfileSetLoader.Result result = ProfileSetLoader.load(displayNames(folder, files), folder.toString());
        if (!result.valid()) {
            return refuse(fingerprint, result.errors());
        }
        current = new ProfileSet(result.profiles());
        lastError = null;
        lastFingerprint = fingerprint;
        log.info("Reloaded {} profiles from {}: {}", result.profiles().size(), folder, slugs(result.profiles()));
        return notifyListeners(new ReloadOutcome(true, current.profiles(), List.of(), Instant.now()));
    }

    private ReloadOutcome refuse(String fingerprint, List<ProfileError> errors) {
        if (fingerprint != null) {
            lastFingerprint = fingerprint;
        }
        lastError = errors.stream().map(ProfileError::toString).collect(Collectors.joining("\n"));
        log.warn("Refused changed profiles in {}; keeping the {} profiles in force. Errors:\n{}", folder,
                current.profiles().size(), lastError);
        return notifyListeners(new ReloadOutcome(false, current.profiles(), errors, Instant.now()));
    }

    private ReloadOutcome notifyListeners(ReloadOutcome outcome) {
        for (Consumer<ReloadOutcome> listener : listeners) {
            try {
                listener.accept(outcome);
            } catch (RuntimeException e) {
                log.warn("A profile reload listener failed", e);
            }
        }
        return outcome;
    }

    /** The profile files' texts by file name, as on disk now (for an admin editor). */
    public Map<String, String> files() {
        if (folder == null) {
            Map<String, String> out = new LinkedHashMap<>();
            bundledFiles().forEach((k, v) -> out.put(k.substring("defaults/".length()), v));
            return Collections.unmodifiableMap(out);
        }
        try {
            return Collections.unmodifiableMap(FolderFiles.read(folder));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Errors the folder would have if {@code fileName} held {@code yaml} (the other files as they are on disk);
     * empty when the change would be accepted. Positions are in the proposed text for that file.
     */
    public List<ProfileError> validate(String fileName, String yaml) {
        if (!FolderFiles.isProfileFileName(fileName)) {
            return List.of(new ProfileError(fileName, 0, 0, "a profile file name is letters, digits, '.', '_' or '-' "
                    + "ending in .yaml or .yml, not starting with '.'"));
        }
        Map<String, String> files = new TreeMap<>(folder == null ? files() : readFolder(folder));
        files.put(fileName, yaml);
        Path base = folder == null ? Path.of("defaults") : folder;
        return ProfileSetLoader.load(displayNames(base, files), base.toString()).errors();
    }

    /**
     * Writes {@code yaml} to {@code fileName} (replacing it atomically) and applies it, but only if
     * {@link #validate} finds no error; otherwise writes nothing and returns the errors.
     *
     * @throws IOException when the folder cannot be written (a mounted ConfigMap is read-only: edit the chart's values)
     */
    public synchronized List<ProfileError> save(String fileName, String yaml) throws IOException {
        if (folder == null) {
            throw new IOException("the bundled default profiles cannot be edited; configure a profiles folder");
        }
        List<ProfileError> errors = validate(fileName, yaml);
        if (!errors.isEmpty()) {
            return errors;
        }
        Path target = folder.resolve(fileName);
        Path temp = Files.createTempFile(folder, "." + fileName, ".tmp");
        try {
            Files.writeString(temp, yaml, StandardCharsets.UTF_8);
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
        log.info("Saved profile file {}", target);
        ReloadOutcome outcome = reload();
        return outcome.errors();
    }

    /**
     * Deletes {@code fileName} and applies the remaining files, but only if they are valid without it (e.g. it does
     * not hold the only default profile); otherwise deletes nothing and returns the errors.
     *
     * @throws IOException when the folder cannot be written
     */
    public synchronized List<ProfileError> delete(String fileName) throws IOException {
        if (folder == null) {
            throw new IOException("the bundled default profiles cannot be edited; configure a profiles folder");
        }
        Map<String, String> files = new TreeMap<>(readFolder(folder));
        if (!FolderFiles.isProfileFileName(fileName) || files.remove(fileName) == null) {
            return List.of(new ProfileError(fileName, 0, 0, "no such profile file"));
        }
        List<ProfileError> errors = ProfileSetLoader.load(displayNames(folder, files), folder.toString()).errors();
        if (!errors.isEmpty()) {
            return errors;
        }
        Files.delete(folder.resolve(fileName));
        log.info("Deleted profile file {}", folder.resolve(fileName));
        return reload().errors();
    }

    @Override
    public List<Profile> profiles() {
        return current.profiles();
    }

    @Override
    public Optional<Profile> find(String slug) {
        return current.find(slug);
    }

    @Override
    public Profile defaultProfile() {
        return current.defaultProfile();
    }

    @Override
    public ResolvedProfile resolve(ProfileOverrides global, String slug, Map<String, String> choices) {
        return current.resolve(global, slug, choices);
    }

    @Override
    public Optional<String> lastError() {
        return Optional.ofNullable(lastError);
    }

    @Override
    public synchronized void close() {
        if (watcher != null) {
            watcher.close();
            watcher = null;
        }
    }
}
