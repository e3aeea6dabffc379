package dev.bridgekeeper.cli.notify;

import dev.bridgekeeper.agent.PairingRequest;
import java.io.IOException;

/**
 * The notifier of an OS whose actionable notifications are not implemented yet. macOS:
 * {@code UNUserNotificationCenter} delivers actions only to a signed app bundle with a
 * notification delegate, which a {@code java -jar} process is not. Windows: toast buttons need an
 * AppUserModelID registered through a Start-menu shortcut and a COM activator. Both belong in the
 * packaged app (or an installer step), not in this command; until then the request is answered
 * with {@code bridgekeeper pairings approve CODE}.
 */
final class UnavailableNotifier implements PairingNotifier {
    private final String reason;

    UnavailableNotifier(String reason) {
        this.reason = reason;
    }

    @Override
    public void show(PairingRequest request) throws IOException {
        throw new IOException(reason);
    }

    @Override
    public void close() {}
}
