package dev.keyless.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** scp's remote-file syntax as {@code keyless scp} reads it, and what a user may be there. */
class ScpTargetsTest {
    private static ScpTargets of(String... args) {
        return ScpTargets.of(List.of(args));
    }

    @Test
    void serversComeFromHostColonPathAndScpUris() {
        ScpTargets t = of("-r", "web-01:/var/log", "scp://db-01:22/etc/x", "./a:b", "local.txt", "web-01:");
        assertThat(t.servers()).containsExactly("web-01", "db-01");
        assertThat(t.user()).isNull();
        assertThat(t.role()).isNull();
    }

    @Test
    void theRolesAccountPicksTheRole() {
        ScpTargets t = of("app.tar.gz", "wl_deployer@web-01:/tmp/");
        assertThat(t.servers()).containsExactly("web-01");
        assertThat(t.user()).isEqualTo("wl_deployer");
        assertThat(t.role()).isEqualTo("deployer");
        assertThat(of("scp://wl_ops@db-01/var/x", ".").role()).isEqualTo("ops");
        assertThat(of("wl_ops@db-01:/a", "wl_ops@web-01:/b", ".").servers()).containsExactly("db-01", "web-01");
    }

    @Test
    void anyOtherUserIsRefusedNotSwitchedTo() {
        assertThatThrownBy(() -> of("a", "root@web-01:/tmp"))
                .isInstanceOf(UsageException.class)
                .hasMessageContaining("'root@' cannot be")
                .hasMessageContaining("wl_<role>@SERVER:PATH");
        assertThatThrownBy(() -> of("a", "wl_@web-01:/tmp")).isInstanceOf(UsageException.class);
        assertThatThrownBy(() -> of("wl_a@web-01:/x", "wl_b@db-01:/y"))
                .isInstanceOf(UsageException.class)
                .hasMessageContaining("one role per run");
    }

    @Test
    void withoutARemoteFileItIsAUsageError() {
        assertThatThrownBy(() -> of("a.txt", "user@host")).hasMessageContaining("no SERVER:PATH");
        assertThatThrownBy(() -> of("./x:y", "/tmp/z")).hasMessageContaining("no SERVER:PATH");
    }
}
