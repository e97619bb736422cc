package dev.keyless.service.db;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MysqlConnectionDefaultsTest {
    @Test
    void aClusterUrlsSessionVariablesKeepTheShortLockWait() {
        // The production guide's Galera URL sets wsrep_sync_wait; before, any sessionVariables in
        // the URL silently dropped the 5 s lock wait for the driver's 50 s.
        assertThat(MysqlConnectionDefaults.withLockWait(
                        "jdbc:mysql:loadbalance://a:1,b:2/keyless?sessionVariables=wsrep_sync_wait=1&useSSL=false"))
                .isEqualTo("jdbc:mysql:loadbalance://a:1,b:2/keyless"
                        + "?sessionVariables=wsrep_sync_wait=1,innodb_lock_wait_timeout=5&useSSL=false");
        assertThat(MysqlConnectionDefaults.withLockWait("jdbc:mysql://a/k?useSSL=false&SESSIONVARIABLES=x=2"))
                .isEqualTo("jdbc:mysql://a/k?useSSL=false&SESSIONVARIABLES=x=2,innodb_lock_wait_timeout=5");
    }

    @Test
    void anExplicitLockWaitAndUrlsWithoutSessionVariablesAreLeftAlone() {
        String own = "jdbc:mysql://a/k?sessionVariables=innodb_lock_wait_timeout=20,wsrep_sync_wait=1";
        assertThat(MysqlConnectionDefaults.withLockWait(own)).isEqualTo(own);
        // without sessionVariables the default is added as a data source property instead
        assertThat(MysqlConnectionDefaults.withLockWait("jdbc:mysql://a/k")).isEqualTo("jdbc:mysql://a/k");
    }
}
