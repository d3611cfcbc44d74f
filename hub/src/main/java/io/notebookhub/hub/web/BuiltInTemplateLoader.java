package io.notebookhub.hub.web;

import io.pebbletemplates.pebble.error.LoaderException;
import io.pebbletemplates.pebble.loader.ClasspathLoader;
import io.pebbletemplates.pebble.loader.Loader;
import java.io.Reader;

/**
 * Answers {@code templates/NAME} with the jar's built-in template NAME, whatever the template folders hold, so that
 * an override can extend the template it replaces; any other name is not its to answer, so no other resource of the
 * class path can be read as a template.
 */
final class BuiltInTemplateLoader implements Loader<String> {
    static final String PREFIX = "templates/";

    private final ClasspathLoader jar = new ClasspathLoader(BuiltInTemplateLoader.class.getClassLoader());

    BuiltInTemplateLoader() {
        jar.setPrefix("templates");
    }

    @Override
    public Reader getReader(String name) {
        if (!name.startsWith(PREFIX)) {
            throw new LoaderException(null, "not a built-in template's name: " + name);
        }
        return jar.getReader(name.substring(PREFIX.length()));
    }

    @Override
    public boolean resourceExists(String name) {
        return name.startsWith(PREFIX) && jar.resourceExists(name.substring(PREFIX.length()));
    }

    @Override
    public String createCacheKey(String name) {
        return name;
    }

    @Override
    public String resolveRelativePath(String relativePath, String anchorPath) {
        return jar.resolveRelativePath(relativePath, anchorPath);
    }

    @Override
    public void setCharset(String charset) {
        jar.setCharset(charset);
    }

    @Override
    public void setPrefix(String prefix) {
        throw new UnsupportedOperationException("the built-in templates' place is fixed");
    }

    @Override
    public void setSuffix(String suffix) {
        jar.setSuffix(suffix);
    }
}
