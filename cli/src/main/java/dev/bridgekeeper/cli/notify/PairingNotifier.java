package dev.bridgekeeper.cli.notify;

import dev.bridgekeeper.agent.PairingRequest;
import java.io.IOException;

/** Shows a pairing request as a desktop notification whose buttons answer it. */
interface PairingNotifier extends AutoCloseable {

    /**
     * Shows the request; the notifier answers it through {@code Pairings} when the user clicks
     * and removes the notification when the request is answered some other way.
     *
     * @throws IOException when no notification can be shown (the message says why, for the log)
     */
    void show(PairingRequest request) throws IOException;

    @Override
    void close();
}
