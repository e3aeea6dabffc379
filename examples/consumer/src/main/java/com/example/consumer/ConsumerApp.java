package com.example.consumer;

import dev.bridgekeeper.agent.DesktopBridge;
import dev.bridgekeeper.agent.PairingRequest;
import dev.bridgekeeper.testing.TestExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Embeds the agent with a channel of its own, then plays the browser's part: a Java extension
 * client starts the real host process, pairs (the "user" approves the code the extension shows)
 * and calls the channel through the encrypted session. Exits 0 when the answer is right.
 */
public final class ConsumerApp {
    private static final String CALLER = "chrome-extension://ehcmijlhbioomifbjmghlpklegfgldmf/";

    public static void main(String[] args) throws Exception {
        Path home = Files.createTempDirectory("consumer");
        Path socket = home.resolve("agent.sock");
        DesktopBridge bridge = DesktopBridge.builder()
                .dataDirectory(home.resolve("data"))
                .socketPath(socket)
                .allowCaller(CALLER)
                .identity("Consumer App", "1.0.0")
                .registerChannel(Notes.class, ctx -> query ->
                        CompletableFuture.completedFuture(new Notes.Count(query.folder(), 42)))
                .build();
        // The desktop's side of pairing: a person approves when the code the desktop shows matches
        // the extension's. The request may reach the desktop a moment after the extension shows
        // its code, so wait for it as a dialog would.
        CompletableFuture<PairingRequest> shown = new CompletableFuture<>();
        bridge.pairings().onRequest(shown::complete);
        try (bridge) {
            bridge.start();
            try (TestExtension extension = TestExtension.viaHost(socket, CALLER)) {
                int code = extension.awaitPairingCode(30);
                PairingRequest request = shown.get(30, TimeUnit.SECONDS);
                if (request.codeValue() != code || bridge.pairings().approve(code) != 1) {
                    throw new IllegalStateException("the desktop shows " + request.code() + ", the extension " + code);
                }
                extension.awaitReady(30);
                Notes notes = extension.channel(Notes.class, 30);
                Notes.Count count = notes.count(new Notes.Query("inbox")).get();
                if (!count.folder().equals("inbox") || count.notes() != 42) {
                    throw new IllegalStateException("wrong answer " + count);
                }
                System.out.println("consumer: paired as " + bridge.pairings().list().get(0).name()
                        + ", notes.count answered " + count.notes() + " on the "
                        + (ConsumerApp.class.getModule().isNamed() ? "module path" : "class path"));
            }
        }
    }
}
