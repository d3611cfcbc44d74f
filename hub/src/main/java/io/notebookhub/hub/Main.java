package io.notebookhub.hub;

import io.notebookhub.config.ConfigException;
import io.notebookhub.culler.CullerCommand;
import io.notebookhub.hub.config.HubConfig;
import io.notebookhub.hub.logging.HubLogConfigurator;
import io.notebookhub.hub.store.StoreRefusedException;
import io.notebookhub.profiles.ProfilesCommand;
import io.notebookhub.proxy.ProxyCommand;
import java.nio.file.Path;
import java.util.concurrent.Callable;
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
    private static final Logger log = LoggerFactory.getLogger(Main.class);

    @Option(names = "--config", paramLabel = "FILE", description = "YAML configuration file; NBHUB_* variables override it")
    Path config;

    public static void main(String[] args) {
        System.exit(new CommandLine(new Main()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        HubConfig hubConfig;
        try {
            hubConfig = HubConfig.load(config, System.getenv());
        } catch (ConfigException e) {
            System.err.println("notebook-hub: " + e.getMessage());
            return 2;
        }
        HubLogConfigurator.applyLevel(hubConfig.logLevel());
        log.info("effective configuration: {}", hubConfig.effectiveRedacted());
        HubApp app;
        try {
            app = HubApp.start(hubConfig).toCompletionStage().toCompletableFuture().get();
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
