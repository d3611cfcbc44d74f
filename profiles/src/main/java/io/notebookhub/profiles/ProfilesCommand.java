package io.notebookhub.profiles;

import io.notebookhub.profiles.internal.ProfileSet;
import io.notebookhub.profiles.internal.ProfileSetLoader;
import io.notebookhub.profiles.internal.ResolvedProfileYaml;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code notebook-hub profiles validate <dir>}, {@code notebook-hub profiles show <dir> <slug> [option=choice...]} and
 * {@code notebook-hub profiles chart-schema <values.schema.json>} (regenerates the chart's profile schema).
 * Errors go to standard error as {@code file:line:column: message}; exit code 0 when valid, 1 otherwise.
 */
@Command(name = "profiles", mixinStandardHelpOptions = true,
        description = "Check profile files and show what a spawn would get.",
        subcommands = {ProfilesCommand.Validate.class, ProfilesCommand.Show.class, ProfilesCommand.ChartSchema.class})
public final class ProfilesCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return 2;
    }

    /** Runs the command with {@code args} and returns its exit code (for Main and tests). */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cli = new CommandLine(new ProfilesCommand());
        cli.setOut(out);
        cli.setErr(err);
        int code = cli.execute(args);
        out.flush();
        err.flush();
        return code;
    }

    @Command(name = "validate", mixinStandardHelpOptions = true,
            description = "Check every profile file in DIR; print the errors (file:line:column) or a summary.")
    static final class Validate implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Parameters(index = "0", paramLabel = "DIR", description = "the profiles folder")
        Path dir;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            if (!Files.isDirectory(dir)) {
                err.println(dir + ": not a folder");
                return 1;
            }
            ProfileSetLoader.Result result = ProfileDirectory.read(dir);
            if (!result.valid()) {
                result.errors().forEach(err::println);
                int n = result.errors().size();
                err.println(n + (n == 1 ? " error" : " errors") + " in " + dir);
                return 1;
            }
            ProfileSet set = new ProfileSet(result.profiles());
            out.println(set.profiles().size() + " profiles in " + dir + " are valid; default: "
                    + set.defaultProfile().slug());
            for (Profile p : set.profiles()) {
                out.println("  " + summary(p));
            }
            return 0;
        }

        private static String summary(Profile p) {
            ProfileOverrides o = p.overrides();
            StringBuilder s = new StringBuilder(String.format("%-16s %s", p.slug(), p.displayName()));
            if (o.cpuGuarantee() != null || o.cpuLimit() != null) {
                s.append(" | cpu ").append(range(o.cpuGuarantee(), o.cpuLimit()));
            }
            if (o.memoryGuarantee() != null || o.memoryLimit() != null) {
                s.append(" | memory ").append(range(o.memoryGuarantee(), o.memoryLimit()));
            }
            o.extraResourceLimits().forEach((k, v) -> s.append(" | ").append(k).append(' ').append(v));
            if (!p.options().isEmpty()) {
                s.append(" | options: ").append(p.options().stream().map(ProfileOption::name)
                        .collect(Collectors.joining(", ")));
            }
            if (p.allowedUsers().isEmpty() && p.allowedGroups().isEmpty()) {
                s.append(" | everyone");
            } else {
                s.append(" | only");
                if (!p.allowedGroups().isEmpty()) {
                    s.append(" groups ").append(String.join(",", p.allowedGroups()));
                }
                if (!p.allowedUsers().isEmpty()) {
                    s.append(" users ").append(String.join(",", p.allowedUsers()));
                }
            }
            return s.toString();
        }

        private static String range(String guarantee, String limit) {
            return (guarantee == null ? "-" : guarantee) + ".." + (limit == null ? "-" : limit);
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true,
            description = "Print, as YAML, what a spawn of profile SLUG with the given option choices would use.")
    static final class Show implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Parameters(index = "0", paramLabel = "DIR", description = "the profiles folder")
        Path dir;
        @Parameters(index = "1", paramLabel = "SLUG", description = "the profile")
        String slug;
        @Parameters(index = "2..*", paramLabel = "OPTION=CHOICE", description = "option choices")
        List<String> choices = List.of();

        @Override
        public Integer call() {
            PrintWriter err = spec.commandLine().getErr();
            if (!Files.isDirectory(dir)) {
                err.println(dir + ": not a folder");
                return 1;
            }
            Map<String, String> asked = new LinkedHashMap<>();
            for (String c : choices) {
                int eq = c.indexOf('=');
                if (eq <= 0) {
                    err.println("\"" + c + "\" is not option=choice");
                    return 1;
                }
                asked.put(c.substring(0, eq), c.substring(eq + 1));
            }
            ProfileSetLoader.Result result = ProfileDirectory.read(dir);
            if (!result.valid()) {
                result.errors().forEach(err::println);
                return 1;
            }
            try {
                ResolvedProfile resolved = new ProfileSet(result.profiles()).resolve(ProfileOverrides.NONE, slug, asked);
                PrintWriter out = spec.commandLine().getOut();
                out.print(ResolvedProfileYaml.render(resolved));
                // print() does not autoflush, and Main exits the JVM without closing picocli's writer.
                out.flush();
                return 0;
            } catch (ProfileChoiceException e) {
                err.println(e.getMessage());
                return 1;
            }
        }
    }

    @Command(name = "chart-schema", mixinStandardHelpOptions = true,
            description = "Rewrite the profile part of the chart's values.schema.json from profiles.schema.json.")
    static final class ChartSchema implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Parameters(index = "0", paramLabel = "FILE", description = "the chart's values.schema.json")
        java.nio.file.Path file;

        @Override
        public Integer call() throws java.io.IOException {
            String before = java.nio.file.Files.readString(file);
            String after = ChartValuesSchema.render(ChartValuesSchema.generate(ChartValuesSchema.parse(before),
                    ChartValuesSchema.profileSchema()));
            if (!after.equals(before)) {
                java.nio.file.Files.writeString(file, after);
            }
            spec.commandLine().getOut().println(file + (after.equals(before) ? " is up to date" : " regenerated"));
            return 0;
        }
    }
}
