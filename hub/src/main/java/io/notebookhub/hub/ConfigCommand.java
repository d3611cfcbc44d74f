package io.notebookhub.hub;

import io.notebookhub.config.ConfigReference;
import io.notebookhub.hub.config.HubConfig;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code config reference}: every configuration key with its type, default and doc, as Markdown. */
@Command(name = "config", mixinStandardHelpOptions = true, description = "Configuration tools.",
        subcommands = ConfigCommand.Reference.class)
final class ConfigCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.err.println("usage: config reference");
        return 2;
    }

    @Command(name = "reference", mixinStandardHelpOptions = true,
            description = "Prints every configuration key with its environment variable, type, default and doc.")
    static final class Reference implements Callable<Integer> {
        @Override
        public Integer call() {
            System.out.print(ConfigReference.markdown(HubConfig.reference()));
            return 0;
        }
    }
}
