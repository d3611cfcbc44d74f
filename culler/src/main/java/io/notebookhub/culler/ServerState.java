package io.notebookhub.culler;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A notebook server's own view of its work, from {@code GET api/kernels} and {@code GET api/terminals}.
 *
 * @param kernels every running kernel
 * @param terminals every open terminal (empty when terminals are disabled)
 */
public record ServerState(List<Kernel> kernels, List<Terminal> terminals) {

    public ServerState {
        kernels = List.copyOf(kernels);
        terminals = List.copyOf(terminals);
    }

    /**
     * One kernel.
     *
     * @param executionState {@code busy}, {@code idle} or {@code starting}; notebook 6.4 keeps a kernel that
     *        no client ever connected to in {@code starting} indefinitely, so only {@code busy} means work
     * @param lastActivity the last kernel message (executions and their output), or null
     * @param connections open WebSocket connections (an open browser tab counts here)
     */
    public record Kernel(String id, String name, String executionState, Instant lastActivity, int connections) {
        public boolean busy() {
            return "busy".equals(executionState);
        }
    }

    /** One terminal; {@code lastActivity} moves on terminal input and output. */
    public record Terminal(String name, Instant lastActivity) {}

    public boolean anyKernelBusy() {
        return kernels.stream().anyMatch(Kernel::busy);
    }

    /** The latest kernel or terminal activity, if any. */
    public Optional<Instant> latestActivity() {
        return Stream.concat(kernels.stream().map(Kernel::lastActivity), terminals.stream().map(Terminal::lastActivity))
                .filter(t -> t != null)
                .max(Instant::compareTo);
    }
}
