package io.notebookhub.system;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;

/** Calls to a running hub's REST API, as automation would make them. */
public final class HubApi {
    public static final ObjectMapper JSON = HubProcess.JSON;

    private HubApi() {
    }

    public static HttpResponse<String> call(HubProcess hub, String method, String path, String body, String token)
            throws Exception {
        return hub.call(method, path, body, token);
    }

    /** GET with the admin token, asserting 200. */
    public static JsonNode adminGet(HubProcess hub, String path) throws Exception {
        HttpResponse<String> r = call(hub, "GET", path, null, HubProcess.ADMIN_TOKEN);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }
}
