package io.notebookhub.hub;

import io.notebookhub.config.ConfigException;
import io.notebookhub.culler.CullerCommand;
import io.notebookhub.hub.config.HubConfig;
import io.notebookhub.hub.logging.HubLogConfigurator;
import io.notebookhub.hub.logging.HubLoggingProvider;
import io.notebookhub.hub.store.StoreRefusedException;
import io.notebookhub.profiles.ProfilesCommand;
import io.notebookhub.proxy.ProxyCommand;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code java -jar notebook-hub.jar [--config FILE]} runs the hub; subcommands run the standalone proxy, the
 * profile tools and the culler.
 */
@Command(name = "notebook-hub", mixinStandardHelpOptions = true, version = "Notebook Hub 0.1.0",
        description = "A multi-user notebook hub: hub, proxy and idle culler, speaking JupyterHub's protocols.",
        subcommands = {ProxyCommand.class, ProfilesCommand.class, CullerCommand.class, DbCommand.class,
                WarmUpCommand.class, ConfigCommand.class})
public final class Main implements Callable<Integer> {
    @Option(names = "--config", paramLabel = "FILE", description = "YAML configuration file; NBHUB_* variables override it")
    Path config;

    public static void main(String[] args) {
        applyJvmDefaults();
        Optional<Main> hubStart = hubStart(args);
        if (hubStart.isEmpty()) {
            System.exit(new CommandLine(new Main()).execute(args));
        }
        int exit;
        try {
            exit = hubStart.get().call();
        } catch (Exception e) {
            // As picocli ends a command that threw; exiting also ends the threads a half-made start left running.
            e.printStackTrace();
            exit = 1;
        }
        System.exit(exit);
    }

    /** Properties the hub sets for its libraries unless the command line set them. */
    static void applyJvmDefaults() {
        // Netty 4.2's buffer allocator reports its chunks as Flight Recorder events when JFR is in the JVM; the
        // first buffer a proxied request takes then sets up JFR's metadata (~90 ms of a restart, then compiled).
        // Nothing here records them; -Dio.netty.jfr.enabled=true brings them back for a profiling session.
        if (System.getProperty("io.netty.jfr.enabled") == null) {
            System.setProperty("io.netty.jfr.enabled", "false");
        }
        // Logging as HubLogConfigurator sets it up, without Logback's search for a configuration (see the provider).
        if (System.getProperty("slf4j.provider") == null && System.getProperty("logback.configurationFile") == null) {
            System.setProperty("slf4j.provider", HubLoggingProvider.class.getName());
            // SLF4J would announce on stderr that it loads the provider named; its warnings and errors still show.
            if (System.getProperty("slf4j.internal.verbosity") == null) {
                System.setProperty("slf4j.internal.verbosity", "WARN");
            }
        }
    }

    /**
     * The hub's own start ({@code [--config FILE]}) without picocli: picocli builds its model of every subcommand
     * first, and its classes (Java 5 bytecode, which class-data sharing cannot archive) are loaded and verified from
     * the jar, some 150 ms of every restart. Anything else (help, version, a subcommand, a mistyped option) goes
     * through picocli as before.
     */
    static Optional<Main> hubStart(String[] args) {
        Main main = new Main();
        if (args.length == 0) {
            return Optional.of(main);
        }
        if (args.length == 1 && args[0].startsWith("--config=") && args[0].length() > "--config=".length()) {
            main.config = Path.of(args[0].substring("--config=".length()));
            return Optional.of(main);
        }
        if (args.length == 2 && args[0].equals("--config") && !args[1].startsWith("-")) {
            main.config = Path.of(args[1]);
            return Optional.of(main);
        }
        return Optional.empty();
    }

    @Override
    public Integer call() throws Exception {
        // Logging, then Vert.x, get ready on a thread of their own while the configuration is read: neither needs
        // it, and each is some 70 ms of a restart. One after the other, so that nothing logs while logging is being
        // set up (SLF4J would queue those lines and warn about them).
        CompletableFuture<Void> logging = new CompletableFuture<>();
        CompletableFuture<Vertx> vertx = CompletableFuture.supplyAsync(() -> {
            try {
                LoggerFactory.getILoggerFactory();
            } finally {
                logging.complete(null);
            }
            return HubApp.newVertx();
        }, task -> new Thread(task, "logging-and-vertx-start").start());
        HubConfig hubConfig;
        try {
            hubConfig = HubConfig.load(config, System.getenv());
        } catch (ConfigException e) {
            System.err.println("notebook-hub: " + e.getMessage());
            return 2;
        }
        logging.join();
        Logger log = LoggerFactory.getLogger(Main.class);
        HubLogConfigurator.applyLevel(hubConfig.logLevel());
        log.info("effective configuration: {}", hubConfig.effectiveRedacted());
        HubApp app;
        try {
            app = HubApp.start(hubConfig, vertx).toCompletionStage().toCompletableFuture().get();
        } catch (java.util.concurrent.ExecutionException e) {
            Throwable cause = e.getCause();
            System.err.println("notebook-hub: could not start: " + cause.getMessage());
            if (cause instanceof StoreRefusedException || cause instanceof ConfigException) {
                // A refusal says all a person needs in its one line; a stack trace would bury it.
                log.error("start-up refused: {}", cause.getMessage());
            } else {
                log.error("start-up failed", cause);
            }
            return 1;
        }
        System.out.println("Notebook Hub is running at " + app.publicUrl() + " (Ctrl+C stops it)");
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            app.close();
            stopped.countDown();
        }, "shutdown"));
        stopped.await();
        return 0;
    }
}
