package io.notebookhub.spawner;

/**
 * One step of a spawn, in JupyterHub's progress-event shape.
 *
 * @param progress 0..100
 * @param message what a person should read ("Pulling image jupyter/base-notebook")
 */
public record SpawnProgress(int progress, String message) {}
