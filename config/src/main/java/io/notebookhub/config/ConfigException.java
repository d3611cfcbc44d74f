package io.notebookhub.config;

/** A configuration value that stops start-up; the message names the key, where it came from and what is wrong. */
public class ConfigException extends RuntimeException {
    public ConfigException(String message) {
        super(message);
    }
}
