package io.notebookhub.system;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A real Jupyter kernel reached through the proxy: created over REST, driven over its WebSocket channels. */
final class KernelSession implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration BOOT_ALLOWANCE = Duration.ofSeconds(3);

    private final WebSocket socket;
    private final BlockingQueue<JsonNode> messages = new LinkedBlockingQueue<>();
    private final String session = UUID.randomUUID().toString();
    final String kernelId;

    private KernelSession(WebSocket socket, String kernelId) {
        this.socket = socket;
        this.kernelId = kernelId;
    }

    /** Starts a kernel on {@code prefix} (e.g. /user/alice/) with the browser's cookies and opens its channels. */
    static KernelSession open(Browser browser, String baseUrl, String prefix) throws Exception {
        return connect(browser, baseUrl, prefix, create(browser, baseUrl, prefix).get("id").asText());
    }

    /** Starts a kernel on {@code prefix}; returns the server's model of it ({@code id}, {@code last_activity}...). */
    private static JsonNode create(Browser browser, String baseUrl, String prefix) throws Exception {
        // Each server sets its own _xsrf cookie on its own path; a browser sends the most specific one first.
        String xsrf = browser.cookieFor(prefix + "api/kernels", "_xsrf");
        URI kernels = URI.create(baseUrl + prefix + "api/kernels");
        HttpResponse<String> created = browser.client.send(HttpRequest.newBuilder(kernels)
                .header("X-XSRFToken", xsrf == null ? "" : xsrf).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{}")).timeout(Duration.ofSeconds(60)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (created.statusCode() != 201) {
            throw new IllegalStateException("kernel not created: " + created.statusCode() + " " + created.body());
        }
        return JSON.readTree(created.body());
    }

    /** Opens the channels of kernel {@code id} with the browser's cookies and waits for its kernel_info reply. */
    private static KernelSession connect(Browser browser, String baseUrl, String prefix, String id) throws Exception {
        String wsPath = prefix + "api/kernels/" + id + "/channels";
        KernelSession[] holder = new KernelSession[1];
        BlockingQueue<JsonNode> queue = new LinkedBlockingQueue<>();
        WebSocket ws = browser.client.newWebSocketBuilder()
                .header("Cookie", browser.cookieHeader(wsPath))
                .connectTimeout(Duration.ofSeconds(10))
                .buildAsync(URI.create(baseUrl.replace("http://", "ws://") + wsPath), new WebSocket.Listener() {
                    private final StringBuilder partial = new StringBuilder();

                    @Override
                    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                        partial.append(data);
                        if (last) {
                            try {
                                queue.add(JSON.readTree(partial.toString()));
                            } catch (Exception e) {
                                throw new IllegalStateException(e);
                            }
                            partial.setLength(0);
                        }
                        webSocket.request(1);
                        return null;
                    }
                }).get(30, TimeUnit.SECONDS);
        holder[0] = new KernelSession(ws, id);
        holder[0].messages.addAll(queue);
        // Later messages: move from the listener's queue as they arrive.
        Thread pump = new Thread(() -> {
            try {
                while (true) {
                    holder[0].messages.add(queue.take());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "kernel-pump");
        pump.setDaemon(true);
        pump.start();
        holder[0].awaitKernelInfo(Duration.ofSeconds(60));
        return holder[0];
    }

    /**
     * Like {@link #open}, but only with a kernel whose state the server reports. Debian's notebook 6.4.12 stops
     * hearing a kernel for good (no IOPub message reaches its activity watch, so {@code api/kernels} says
     * {@code starting} forever, busy or not) when a client opens the kernel's channels while the kernel process is
     * still booting: 7 of 40 kernels whose channels opened right after creation, as {@link #open} does, and 0 of 70
     * after {@link #awaitBoot}. A culler that reads the server, ours and the server's own, cannot see such a kernel
     * busy, so a test of the culler's reading waits for the boot before it connects, and starts another kernel should
     * one still be blind.
     */
    static KernelSession openWatched(Browser browser, String baseUrl, String prefix) throws Exception {
        for (int attempt = 1; ; attempt++) {
            JsonNode created = create(browser, baseUrl, prefix);
            String id = created.get("id").asText();
            awaitBoot(browser, prefix, id, created.path("last_activity").asText());
            KernelSession kernel = connect(browser, baseUrl, prefix, id);
            // The kernel_info exchange that connect() awaited moved a watched kernel from starting to idle.
            long deadline = System.nanoTime() + Duration.ofSeconds(3).toNanos();
            String state = kernel.reportedState(browser, prefix);
            while (state.equals("starting") && System.nanoTime() < deadline) {
                Thread.sleep(200);
                state = kernel.reportedState(browser, prefix);
            }
            if (!state.equals("starting")) {
                return kernel;
            }
            kernel.close();
            kernel.shutdown(browser, baseUrl, prefix);
            if (attempt == 5) {
                throw new IllegalStateException("5 kernels in a row stayed 'starting' in " + prefix + "api/kernels");
            }
        }
    }

    /**
     * Waits until the server has heard the booted kernel announce itself, which moves its {@code last_activity}, or
     * for {@link #BOOT_ALLOWANCE}: many kernels announce themselves before the server's watch has subscribed
     * (29 of 70 here), so silence is no proof that the kernel is still booting. Booting took 0.6-1.0 s here.
     */
    private static void awaitBoot(Browser browser, String prefix, String id, String createdActivity) throws Exception {
        long deadline = System.nanoTime() + BOOT_ALLOWANCE.toNanos();
        while (System.nanoTime() < deadline
                && model(browser, prefix, id).path("last_activity").asText().equals(createdActivity)) {
            Thread.sleep(50);
        }
    }

    /** The execution_state the server reports for this kernel in {@code api/kernels}. */
    String reportedState(Browser browser, String prefix) throws Exception {
        return model(browser, prefix, kernelId).path("execution_state").asText();
    }

    /** The server's model of kernel {@code id}: {@code api/kernels/<id>}. */
    private static JsonNode model(Browser browser, String prefix, String id) throws Exception {
        HttpResponse<String> model = browser.get(prefix + "api/kernels/" + id);
        if (model.statusCode() != 200) {
            throw new IllegalStateException("api/kernels/" + id + " answered " + model.statusCode());
        }
        return JSON.readTree(model.body());
    }

    private void shutdown(Browser browser, String baseUrl, String prefix) throws Exception {
        String xsrf = browser.cookieFor(prefix + "api/kernels", "_xsrf");
        browser.client.send(HttpRequest.newBuilder(URI.create(baseUrl + prefix + "api/kernels/" + kernelId))
                .header("X-XSRFToken", xsrf == null ? "" : xsrf).DELETE().timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.discarding());
    }

    /** Sends a message on the shell channel; returns its msg_id. */
    private String send(String type, ObjectNode content) throws Exception {
        String msgId = UUID.randomUUID().toString();
        ObjectNode msg = JSON.createObjectNode();
        msg.putObject("header").put("msg_id", msgId).put("username", "test").put("session", session)
                .put("msg_type", type).put("version", "5.3");
        msg.putObject("parent_header");
        msg.putObject("metadata");
        msg.set("content", content);
        msg.put("channel", "shell");
        msg.putArray("buffers");
        socket.sendText(JSON.writeValueAsString(msg), true).get(10, TimeUnit.SECONDS);
        return msgId;
    }

    /**
     * What Jupyter's own clients do before anything else: ask for kernel_info until the kernel replies. A message
     * sent before the server has wired the new channels to the kernel can be dropped (seen with notebook 6.4), and a
     * dropped execute request would leave the kernel idle while the test believes it busy.
     */
    private void awaitKernelInfo(Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            String msgId = send("kernel_info_request", JSON.createObjectNode());
            long retry = System.nanoTime() + Duration.ofSeconds(2).toNanos();
            while (System.nanoTime() < retry) {
                JsonNode m = messages.poll(200, TimeUnit.MILLISECONDS);
                if (m != null && msgId.equals(m.path("parent_header").path("msg_id").asText())
                        && "kernel_info_reply".equals(m.path("header").path("msg_type").asText())) {
                    return;
                }
            }
        }
        throw new IllegalStateException("the kernel did not answer kernel_info within " + timeout);
    }

    /** Executes {@code code} and returns the text/plain of its execute_result. */
    String execute(String code, Duration timeout) throws Exception {
        ObjectNode content = JSON.createObjectNode().put("code", code).put("silent", false).put("store_history", true)
                .put("allow_stdin", false).put("stop_on_error", true);
        content.putObject("user_expressions");
        java.util.Set<String> sent = new java.util.HashSet<>(java.util.Set.of(send("execute_request", content)));
        long deadline = System.nanoTime() + timeout.toNanos();
        // The kernel says "busy" for a request within milliseconds of receiving it. Notebook 6.4 can still drop a
        // request sent just after the channels were wired, and a test that believes a kernel busy while it idles
        // proves nothing, so a request the kernel never acknowledged is sent once more.
        long acknowledgeBy = System.nanoTime() + Duration.ofSeconds(3).toNanos();
        boolean acknowledged = false;
        while (System.nanoTime() < deadline) {
            if (!acknowledged && sent.size() == 1 && System.nanoTime() > acknowledgeBy) {
                sent.add(send("execute_request", content));
            }
            JsonNode m = messages.poll(200, TimeUnit.MILLISECONDS);
            if (m == null || !sent.contains(m.path("parent_header").path("msg_id").asText())) {
                continue;
            }
            String type = m.path("header").path("msg_type").asText();
            if (type.equals("status") && "busy".equals(m.path("content").path("execution_state").asText())) {
                acknowledged = true;
            }
            if (type.equals("execute_result")) {
                return m.path("content").path("data").path("text/plain").asText();
            }
            if (type.equals("error")) {
                throw new IllegalStateException("kernel error: " + m.path("content"));
            }
        }
        throw new IllegalStateException("no execute_result for " + code + " within " + timeout);
    }

    @Override
    public void close() {
        socket.sendClose(WebSocket.NORMAL_CLOSURE, "done");
    }
}
