package io.notebookhub.hub.logging;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import ch.qos.logback.core.CoreConstants;
import ch.qos.logback.core.util.StatusPrinter;
import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * SLF4J bound to Logback as {@link HubLogConfigurator} sets it up, with nothing looked for first. Logback's own
 * provider, found by a scan of the class path's services, searches for configuration files and configurators, checks
 * versions and times itself; on a restart that is most of the time logging takes to get ready, and the hub's proxy and
 * store wait for it. {@code Main} names this provider ({@code slf4j.provider}) unless a
 * {@code -Dlogback.configurationFile} asks for Logback's usual search.
 */
public final class HubLoggingProvider implements SLF4JServiceProvider {
    private final LoggerContext context = new LoggerContext();
    private final IMarkerFactory markers = new BasicMarkerFactory();
    private final LogbackMDCAdapter mdc = new LogbackMDCAdapter();

    @Override
    public void initialize() {
        context.setName(CoreConstants.DEFAULT_CONTEXT_NAME);
        context.setMDCAdapter(mdc);
        HubLogConfigurator configurator = new HubLogConfigurator();
        configurator.setContext(context);
        configurator.configure(context);
        // As Logback's provider does: a console that could not start says so rather than staying silent.
        StatusPrinter.printInCaseOfErrorsOrWarnings(context);
        context.start();
    }

    @Override
    public ILoggerFactory getLoggerFactory() {
        return context;
    }

    @Override
    public IMarkerFactory getMarkerFactory() {
        return markers;
    }

    @Override
    public MDCAdapter getMDCAdapter() {
        return mdc;
    }

    @Override
    public String getRequestedApiVersion() {
        return "2.0.99";
    }
}
