package db.migration;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * Secret folders, secrets and their versions. Each version row holds its own data key sealed under
 * the master key ({@code sealed_key}) and the value sealed under that data key ({@code
 * sealed_value}); both are NULL once the version is destroyed. A Java migration because a sealed
 * 64 KiB value (about 87 KiB of base64) passes MySQL's 65,535-byte TEXT, so MySQL gets MEDIUMTEXT
 * where H2 takes TEXT. Names are ASCII by grammar; the primary key fits InnoDB's 3072-byte limit
 * in utf8mb4 (63 + 255 + 128 characters, 4 bytes each, and a BIGINT).
 */
public class V12__secrets extends BaseJavaMigration {
    @Override
    public void migrate(Context context) throws SQLException {
        Connection c = context.getConnection();
        boolean h2 = c.getMetaData()
                .getDatabaseProductName()
                .toLowerCase(Locale.ROOT)
                .contains("h2");
        String large = h2 ? "TEXT" : "MEDIUMTEXT";
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TABLE secret_folder ("
                    + " team VARCHAR(63) NOT NULL,"
                    + " path VARCHAR(255) NOT NULL,"
                    + " created_by VARCHAR(63) NOT NULL,"
                    + " created_at BIGINT NOT NULL,"
                    + " PRIMARY KEY (team, path))");
            s.execute("CREATE TABLE secret ("
                    + " team VARCHAR(63) NOT NULL,"
                    + " path VARCHAR(255) NOT NULL,"
                    + " name VARCHAR(128) NOT NULL,"
                    + " latest_version BIGINT NOT NULL,"
                    + " description VARCHAR(1024),"
                    + " labels TEXT NOT NULL,"
                    + " created_by VARCHAR(63) NOT NULL,"
                    + " created_at BIGINT NOT NULL,"
                    + " updated_by VARCHAR(63) NOT NULL,"
                    + " updated_at BIGINT NOT NULL,"
                    + " deleted_at BIGINT,"
                    + " deleted_by VARCHAR(63),"
                    + " PRIMARY KEY (team, path, name))");
            s.execute("CREATE TABLE secret_version ("
                    + " team VARCHAR(63) NOT NULL,"
                    + " path VARCHAR(255) NOT NULL,"
                    + " name VARCHAR(128) NOT NULL,"
                    + " version BIGINT NOT NULL,"
                    + " encoding VARCHAR(8) NOT NULL,"
                    + " sealed_key VARCHAR(128),"
                    + " sealed_value " + large + ","
                    + " created_by VARCHAR(63) NOT NULL,"
                    + " created_at BIGINT NOT NULL,"
                    + " destroyed_at BIGINT,"
                    + " PRIMARY KEY (team, path, name, version))");
        }
    }
}
