package io.notebookhub.system.security;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Starts one {@link SecurityHub} for the whole security suite, on first use, and stops it (with alice's and bob's
 * servers) when the test run ends: each attack class takes it as a parameter instead of starting its own.
 */
final class SecurityHubExtension implements ParameterResolver {
    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(SecurityHubExtension.class);

    private record Running(SecurityHub hub, Path dir) implements ExtensionContext.Store.CloseableResource {
        @Override
        public void close() throws Exception {
            hub.close();
            try (Stream<Path> paths = Files.walk(dir)) {
                paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == SecurityHub.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return context.getRoot().getStore(NS).getOrComputeIfAbsent(Running.class, key -> {
            try {
                Path dir = Files.createTempDirectory("security-hub");
                return new Running(new SecurityHub(dir.resolve("data")).start(), dir);
            } catch (Exception e) {
                throw new IllegalStateException("the security suite's hub did not start", e);
            }
        }, Running.class).hub();
    }
}
