package io.notebookhub.system.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Slowloris against every listener (the public proxy port, the proxy's API port, the hub's own port): connections
 * that send nothing, half a head or half a body are closed after the headers or request timeout (2 s and 4 s in this
 * suite), and the hub keeps answering meanwhile.
 */
@SecurityHubTest
class SlowlorisIT {
    private static final List<String> SLOW = List.of("",
            "GET /hub/api/ HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ",
            "POST /hub/api/users HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1000\r\n\r\n{\"usernames\"");

    @Test
    void slowConnectionsToEveryListenerAreClosedAndTheHubKeepsAnswering(SecurityHub hub) throws Exception {
        List<Socket> sockets = new ArrayList<>();
        try {
            for (int port : List.of(hub.proxyPort, hub.hubPort, Integer.parseInt(hub.env.get("NBHUB_PROXY_API_PORT")))) {
                for (String bytes : SLOW) {
                    Socket s = new Socket("127.0.0.1", port);
                    s.setSoTimeout(15_000);
                    OutputStream out = s.getOutputStream();
                    out.write(bytes.getBytes(StandardCharsets.ISO_8859_1));
                    out.flush();
                    sockets.add(s);
                }
            }
            assertThat(hub.call("GET", "/hub/health", null, null).statusCode()).isEqualTo(200);
            long start = System.nanoTime();
            for (Socket s : sockets) {
                assertThat(closedByServer(s)).as("port %d closed the slow connection", s.getPort()).isTrue();
            }
            assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(12_000);
            assertThat(hub.call("GET", "/hub/health", null, null).statusCode()).isEqualTo(200);
        } finally {
            for (Socket s : sockets) {
                s.close();
            }
        }
    }

    private static boolean closedByServer(Socket s) throws Exception {
        InputStream in = s.getInputStream();
        try {
            while (in.read() >= 0) {
                // whatever the server says first (e.g. a 408) before closing
            }
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (java.net.SocketException e) {
            return true;
        }
    }
}
