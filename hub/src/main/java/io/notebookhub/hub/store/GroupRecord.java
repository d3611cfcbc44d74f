package io.notebookhub.hub.store;

import java.util.List;
import java.util.Map;

/**
 * A group as stored: its members by name (sorted) and its free-form properties, which JupyterHub keeps for
 * deployments and never interprets itself.
 */
public record GroupRecord(String name, List<String> users, Map<String, Object> properties) {}
