package io.notebookhub.hub.login.oidc;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LoginPolicyTest {
    private final LoginPolicy policy = new LoginPolicy(false, List.of("Alice"), List.of("gpu-users"),
            List.of("mallory"), List.of("root"), List.of("hub-admins"), List.of("ops"), true);

    @Test
    void namesAreTrimmedLowerCasedAndLoseTheirDomainWhenAsked() {
        assertThat(policy.normalize("  Alice.Smith@Example.ORG ")).isEqualTo("alice.smith");
        LoginPolicy keepDomain = new LoginPolicy(false, List.of(), List.of(), List.of(), List.of(), List.of(),
                List.of(), false);
        assertThat(keepDomain.normalize("Alice.Smith@Example.ORG")).isEqualTo("alice.smith@example.org");
    }

    @Test
    void listedUsersAndMembersOfAllowedGroupsGetInAndNobodyElse() {
        assertThat(policy.decide("alice", Set.of()).allowed()).isTrue();
        assertThat(policy.decide("carol", Set.of("gpu-users")).allowed()).isTrue();
        assertThat(policy.decide("ops", Set.of()).allowed()).as("hub.admin_users may always log in").isTrue();
        LoginPolicy.Decision carol = policy.decide("carol", Set.of("other"));
        assertThat(carol.allowed()).isFalse();
        assertThat(carol.reason()).contains("carol").contains("gpu-users");
    }

    @Test
    void blockedUsersStayOutWhateverTheirGroups() {
        LoginPolicy.Decision d = policy.decide("mallory", Set.of("gpu-users", "hub-admins"));
        assertThat(d.allowed()).isFalse();
        assertThat(d.reason()).contains("blocked");
    }

    @Test
    void adminStatusFollowsAdminUsersAndAdminGroups() {
        assertThat(policy.decide("root", Set.of()).admin()).isTrue();
        assertThat(policy.decide("dave", Set.of("hub-admins")).admin()).isTrue();
        assertThat(policy.decide("dave", Set.of("hub-admins")).allowed()).isTrue();
        assertThat(policy.decide("carol", Set.of("gpu-users")).admin()).isFalse();
    }

    @Test
    void adminStatusIsLeftAloneWhenNoAdminsAreConfiguredForTheProvider() {
        LoginPolicy open = new LoginPolicy(true, List.of(), List.of(), List.of(), List.of(), List.of(), List.of(),
                false);
        LoginPolicy.Decision d = open.decide("anyone", Set.of());
        assertThat(d.allowed()).isTrue();
        assertThat(d.admin()).isNull();
    }

    @Test
    void allowedDomainsAreCheckedOnTheClaimBeforeTheDomainIsStripped() {
        LoginPolicy p = new LoginPolicy(true, List.of(), List.of(), List.of(), List.of(), List.of(), List.of(), true)
                .allowDomains(List.of("@Example.org"));
        assertThat(p.domainProblem("Alice@EXAMPLE.org")).isEmpty();
        assertThat(p.domainProblem("alice@gmail.com")).hasValueSatisfying(m -> assertThat(m).contains("gmail.com"));
        assertThat(p.domainProblem("alice")).isPresent();
        assertThat(policy.domainProblem("alice@anywhere.example")).as("no domains configured").isEmpty();
    }
}
