package dev.keyless.service.connection;

import dev.keyless.service.role.ConnectionNames;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.SQLException;

/** The role feature's view of the team's connections. */
@Singleton
final class RoleConnectionNames implements ConnectionNames {
    @Override
    public boolean exists(Connection c, String team, String name) throws SQLException {
        return ConnectionRepository.find(c, team, name, false).isPresent();
    }
}
