package io.notebookhub.hub.config;

/** A configuration value that stops start-up; the message names the key and what is wrong. */
public class ConfigException extends RuntimeException {
    public ConfigException(String message) {
        super(message);
    }
}
