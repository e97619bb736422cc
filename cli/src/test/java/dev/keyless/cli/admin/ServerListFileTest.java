package dev.keyless.cli.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The server lists {@code keyless admin servers create-bulk} reads; the service validates the fields. */
class ServerListFileTest {
    @TempDir
    Path dir;

    @Test
    void readsCsvWithOptionalPortAndLabelPairs() throws IOException {
        Path file = Files.writeString(
                dir.resolve("servers.csv"),
                """
                name,address,port,labels
                web-01, 10.0.0.11 ,2222,env=prod;tier=web
                web-02,10.0.0.12,,
                "db-01",db-01.internal,22,"env=prod; tier=db"
                """);
        List<ServerListFile.Entry> entries = ServerListFile.read(file);
        assertThat(entries).extracting(ServerListFile.Entry::name).containsExactly("web-01", "web-02", "db-01");
        assertThat(entries.get(0).spec().toString())
                .isEqualTo("{\"name\":\"web-01\",\"address\":\"10.0.0.11\",\"port\":2222,"
                        + "\"labels\":{\"env\":\"prod\",\"tier\":\"web\"}}");
        assertThat(entries.get(1).spec().has("port")).isFalse();
        assertThat(entries.get(2).spec().path("labels").path("tier").asText()).isEqualTo("db");
        assertThat(entries).extracting(ServerListFile.Entry::where).containsExactly("line 2", "line 3", "line 4");
    }

    @Test
    void readsJsonAndYamlListsAndTheBulkBody() throws IOException {
        Path json = Files.writeString(
                dir.resolve("servers.json"), "{\"servers\": [{\"name\": \"a\", \"address\": \"10.0.0.1\"}]}");
        Path yaml = Files.writeString(
                dir.resolve("servers.yaml"), "- name: a\n  address: 10.0.0.1\n- name: b\n  address: 10.0.0.2\n");
        assertThat(ServerListFile.read(json))
                .extracting(ServerListFile.Entry::name)
                .containsExactly("a");
        assertThat(ServerListFile.read(yaml))
                .extracting(ServerListFile.Entry::where)
                .containsExactly("entry 1", "entry 2");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "unknownColumn | servers.csv | name,address,zone\\na,10.0.0.1,x | unknown column 'zone'",
                "portNotANumber | servers.csv | name,address,port\\na,10.0.0.1,ssh | line 2: port must be a number",
                "labelWithoutValue | servers.csv | name,address,labels\\na,10.0.0.1,env | labels take key=value",
                "repeatedName | servers.csv | name,address\\na,10.0.0.1\\na,10.0.0.2 | listed before, at line 2",
                "missingName | servers.json | [{\"address\": \"10.0.0.1\"}] | entry 1: the server has no name",
                "notAList | servers.json | {\"name\": \"a\"} | must hold a list of servers",
                "empty | servers.csv | name,address | lists no servers",
                "notJson | servers.json | [{\"name\": \"kle_secret-looking | cannot read"
            })
    void refusesWithTheEntryItNames(String name, String fileName, String content, String message) throws IOException {
        Path file = Files.writeString(dir.resolve(fileName), content.replace("\\n", "\n"));
        assertThatThrownBy(() -> ServerListFile.read(file))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(message)
                .hasMessageNotContaining("kle_secret-looking");
    }
}
