package io.notebookhub.hub.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.notebookhub.hub.http.HttpError;
import io.notebookhub.hub.store.UserSort;
import io.notebookhub.hub.store.UserSort.Key;
import org.junit.jupiter.api.Test;

/** The {@code sort} parameter of {@code GET /hub/api/users}, read as JupyterHub 5 reads it. */
class UsersSortParameterTest {

    @Test
    void eachKeySortsAscendingAndAMinusPrefixMakesItDescending() {
        assertThat(UsersHandler.sort("id")).isEqualTo(new UserSort(Key.ID, false));
        assertThat(UsersHandler.sort("-id")).isEqualTo(new UserSort(Key.ID, true));
        assertThat(UsersHandler.sort("name")).isEqualTo(new UserSort(Key.NAME, false));
        assertThat(UsersHandler.sort("-name")).isEqualTo(new UserSort(Key.NAME, true));
        assertThat(UsersHandler.sort("last_activity")).isEqualTo(new UserSort(Key.LAST_ACTIVITY, false));
        assertThat(UsersHandler.sort("-last_activity")).isEqualTo(new UserSort(Key.LAST_ACTIVITY, true));
        assertThat(UsersHandler.sort("-last_activity").value()).isEqualTo("-last_activity");
    }

    @Test
    void anUnknownKeyIsABadRequestNamingTheKeysAndWhatWasSent() {
        for (String bad : new String[] {"created", "-created", "", "-", "--id", "Name", "name ", "+name"}) {
            assertThatThrownBy(() -> UsersHandler.sort(bad)).isInstanceOfSatisfying(HttpError.class, e -> {
                assertThat(e.status()).isEqualTo(400);
                assertThat(e.getMessage())
                        .isEqualTo("sort must be 'id', 'name', or 'last_activity', not '" + bad + "'");
            });
        }
    }
}
