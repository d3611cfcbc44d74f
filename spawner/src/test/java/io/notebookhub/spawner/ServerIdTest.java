package io.notebookhub.spawner;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ServerIdTest {
    @Test
    void aUsersDefaultServerIsTheOneWithTheEmptyNameWhicheverWayItIsMade() {
        ServerId made = new ServerId("alice", null);
        assertThat(made).isEqualTo(ServerId.defaultServer("alice")).hasSameHashCodeAs(ServerId.defaultServer("alice"));
        assertThat(Map.of(made, 1).get(new ServerId("alice", ""))).isEqualTo(1);
    }

    @Test
    void serversOfOtherUsersOrNamesDiffer() {
        ServerId alice = new ServerId("alice", "gpu");
        assertThat(alice).isNotEqualTo(new ServerId("alice", ""))
                .isNotEqualTo(new ServerId("bob", "gpu"))
                .isNotEqualTo(new ServerId("alicegpu", ""))
                .isNotEqualTo(null);
        assertThat(alice).isEqualTo(new ServerId("alice", "gpu"));
    }
}
