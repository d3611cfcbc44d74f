package io.notebookhub.hub;

import io.notebookhub.config.ConfigReference;
import io.notebookhub.hub.config.HubConfig;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

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
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            spec.commandLine().getOut().print(ConfigReference.markdown(HubConfig.reference()));
            spec.commandLine().getOut().flush();
            return 0;
        }
    }
}
