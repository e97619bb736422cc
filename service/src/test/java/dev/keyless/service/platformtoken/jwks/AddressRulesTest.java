package dev.keyless.service.platformtoken.jwks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.URI;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Which hosts a key URL may name: every internal address in every encoding a resolver accepts. */
class AddressRulesTest {

    @ParameterizedTest
    @ValueSource(
            strings = {
                "http://127.0.0.1:8080/jwks",
                "http://127.255.0.9/jwks",
                "http://2130706433/jwks",
                "http://0x7f.1/jwks",
                "http://0x7f000001/jwks",
                "http://017700000001/jwks",
                "http://0177.0.0.1/jwks",
                "http://127.1/jwks",
                "http://127.0.1/jwks",
                "http://[::1]/jwks",
                "http://[0:0:0:0:0:0:0:1]/jwks",
                "http://[::ffff:127.0.0.1]/jwks",
                "http://[::ffff:7f00:1]/jwks",
                "http://[::127.0.0.1]/jwks",
                "http://localhost/jwks",
                "http://LOCALHOST./jwks",
                "http://keys.localhost/jwks",
                "https://10.0.0.5/jwks",
                "https://10.255.255.255/jwks",
                "https://172.16.0.1/jwks",
                "https://172.31.255.254/jwks",
                "https://192.168.1.1/jwks",
                "https://169.254.169.254/latest/meta-data/",
                "https://[::ffff:169.254.169.254]/jwks",
                "https://[::ffff:a9fe:a9fe]/jwks",
                "https://[fd00:ec2::254]/jwks",
                "https://[fc00::1]/jwks",
                "https://[fe80::1]/jwks",
                "https://[fec0::1]/jwks",
                "https://[64:ff9b::a00:1]/jwks",
                "https://[2002:7f00:1::]/jwks",
                "https://100.100.100.200/jwks",
                "https://0.0.0.0/jwks",
                "https://0/jwks",
                "https://[::]/jwks",
                "https://224.0.0.1/jwks",
                "https://[ff02::1]/jwks",
                "https://255.255.255.255/jwks",
                "https://240.0.0.1/jwks",
                "https://198.18.0.1/jwks",
                "https://[fe80::1%25eth0]/jwks"
            })
    void internalHostsAreRefused(String url) {
        assertThatThrownBy(() -> AddressRules.checkLiteralHost("jwks_uri", URI.create(url)))
                .isInstanceOfSatisfying(InvalidProviderSettingsException.class, e -> {
                    assertThat(e.field()).isEqualTo("jwks_uri");
                    assertThat(e.getMessage()).isEqualTo(AddressRules.REFUSED);
                });
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "https://token.actions.githubusercontent.com/.well-known/jwks",
                "https://gitlab.example.com/oauth/discovery/keys",
                "https://8.8.8.8/jwks",
                "https://172.32.0.1/jwks",
                "https://172.15.255.1/jwks",
                "https://100.128.0.1/jwks",
                "https://[2606:4700:4700::1111]/jwks",
                "https://1.2.3.4.nip.io/jwks",
                "https://127.example.com/jwks"
            })
    void publicHostsAndNamesPassTheLiteralCheck(String url) {
        assertThatCode(() -> AddressRules.checkLiteralHost("jwks_uri", URI.create(url)))
                .doesNotThrowAnyException();
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "::1", "10.1.2.3", "169.254.169.254", "::ffff:192.168.0.1", "fd12::1"})
    void resolvedInternalAddressesAreNotPublic(String address) throws Exception {
        assertThat(AddressRules.isPublic(InetAddress.getByName(address))).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"8.8.8.8", "2606:4700:4700::1111", "140.82.112.3"})
    void resolvedPublicAddressesArePublic(String address) throws Exception {
        assertThat(AddressRules.isPublic(InetAddress.getByName(address))).isTrue();
    }
}
