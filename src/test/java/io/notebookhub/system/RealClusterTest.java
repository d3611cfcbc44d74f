package io.notebookhub.system;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * A test class that runs against {@link RealCluster}: the chart installed into a real control plane with the hub and
 * the proxy running. The cluster starts once per test JVM, on the first class that asks for it (as a parameter of a
 * {@code @BeforeAll} method or a test), and stops when the whole run ends.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(RealClusterTest.Extension.class)
@interface RealClusterTest {

    final class Extension implements ParameterResolver {
        @Override
        public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
            return parameter.getParameter().getType() == RealCluster.class;
        }

        @Override
        public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
            Startup startup = context.getRoot().getStore(ExtensionContext.Namespace.create(RealCluster.class))
                    .getOrComputeIfAbsent(Startup.class, k -> Startup.attempt(), Startup.class);
            if (startup.cluster() == null) {
                throw new IllegalStateException("the real cluster did not start: " + startup.failure().getMessage(),
                        startup.failure());
            }
            return startup.cluster();
        }

        /** The cluster, or why it did not start: a failed start is not retried by every class after the first. */
        private record Startup(RealCluster cluster, Throwable failure)
                implements ExtensionContext.Store.CloseableResource {
            static Startup attempt() {
                try {
                    return new Startup(RealCluster.start(), null);
                } catch (Exception | AssertionError e) {
                    return new Startup(null, e);
                }
            }

            @Override
            public void close() throws Exception {
                if (cluster != null) {
                    cluster.close();
                }
            }
        }
    }
}
