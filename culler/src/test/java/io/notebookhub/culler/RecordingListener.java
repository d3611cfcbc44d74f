package io.notebookhub.culler;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Keeps what the culler told its hook, as the hub's metrics would see it. */
final class RecordingListener implements CullListener {
    final List<CullReport.CulledServer> culled = Collections.synchronizedList(new ArrayList<>());
    final List<CullReport.CullFailure> failures = Collections.synchronizedList(new ArrayList<>());
    final List<String> deletedUsers = Collections.synchronizedList(new ArrayList<>());
    final List<CullReport> rounds = Collections.synchronizedList(new ArrayList<>());

    @Override
    public void serverCulled(CullReport.CulledServer server) {
        culled.add(server);
    }

    @Override
    public void userDeleted(String user, String reason) {
        deletedUsers.add(user);
    }

    @Override
    public void cullFailed(CullReport.CullFailure failure) {
        failures.add(failure);
    }

    @Override
    public void roundFinished(CullReport report) {
        rounds.add(report);
    }
}
