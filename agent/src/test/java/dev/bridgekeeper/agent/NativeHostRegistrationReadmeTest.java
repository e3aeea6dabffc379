package dev.bridgekeeper.agent;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * README's "Register from your app" example, kept compiling here. Only verify() runs (it reads
 * and changes nothing); install and remove are exercised in a temporary tree by HostRegistrarTest.
 */
class NativeHostRegistrationReadmeTest {

    @SuppressWarnings("unused")
    private static void readmeExample() throws IOException {
        ProductIdentity product = new ProductIdentity("com.example.vault", "Example Vault");
        NativeHostRegistration registration = NativeHostRegistration.forUser(product);  // forSystem: all users
        List<String> ids = List.of("abcdefghijklmnopabcdefghijklmnop", "vault@example.com");
        registration.install(Path.of("/opt/vault/bin/vault-host"), ids);  // a manifest per browser found
        for (NativeHostRegistration.Finding f : registration.verify(ids)) {
            if (f.failed() || f.check().equals("skipped")) {
                System.out.println(f.browser() + ": " + f.message());      // and why a browser was skipped
            }
        }
        registration.remove();                                              // on uninstall
    }

    @Test
    void verifyOfAProductNobodyInstalledReportsEveryBrowserAndChangesNothing() {
        ProductIdentity product = new ProductIdentity("dev.bridgekeeper.readme_check_" + ProcessHandle.current().pid(), "Check");
        List<NativeHostRegistration.Finding> findings = NativeHostRegistration.forUser(product)
                .verify(List.of("abcdefghijklmnopabcdefghijklmnop"));
        assertTrue(!findings.isEmpty());
        // A browser is either skipped with its reason or found without this product's manifest.
        assertTrue(findings.stream().allMatch(f -> f.check().equals("skipped")
                ? f.message().contains("is not installed here") : !f.check().equals("installed")), findings::toString);
    }
}
