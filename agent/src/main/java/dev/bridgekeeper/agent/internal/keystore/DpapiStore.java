package dev.bridgekeeper.agent.internal.keystore;

import dev.bridgekeeper.agent.SecretStore;
import dev.bridgekeeper.agent.internal.secure.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Windows: each secret sealed with the Data Protection API (current-user scope, jna-platform's
 * Crypt32Util) and kept in a file of {@code directory}; a copy of the file is useless to another
 * account or machine. DPAPI has no item store of its own, hence the files.
 *
 * <p><b>Unverified on hardware</b>: no Windows machine was available; written against the
 * documented CryptProtectData/CryptUnprotectData.
 */
public final class DpapiStore implements SecretStore {
    private final Path directory;

    public DpapiStore(Path directory) {
        this.directory = directory;
    }

    @Override
    public String name() {
        return "Windows DPAPI";
    }

    @Override
    public Optional<String> unavailableReason() {
        try {
            byte[] probe = {1, 2, 3};
            byte[] back = com.sun.jna.platform.win32.Crypt32Util.cryptUnprotectData(
                    com.sun.jna.platform.win32.Crypt32Util.cryptProtectData(probe));
            return MessageDigest.isEqual(probe, back) ? Optional.empty() : Optional.of("DPAPI returned other bytes");
        } catch (RuntimeException | LinkageError e) {
            return Optional.of("DPAPI is not usable: " + e.getMessage());
        }
    }

    private Path fileFor(String key) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            return directory.resolve(HexFormat.of().formatHex(h, 0, 16) + ".dpapi");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public Optional<byte[]> read(String key) throws IOException {
        byte[] sealed;
        try {
            sealed = Files.readAllBytes(fileFor(key));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        try {
            return Optional.of(com.sun.jna.platform.win32.Crypt32Util.cryptUnprotectData(sealed));
        } catch (RuntimeException e) {
            throw new IOException("DPAPI could not open " + fileFor(key) + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void write(String key, byte[] secret) throws IOException {
        byte[] sealed;
        try {
            sealed = com.sun.jna.platform.win32.Crypt32Util.cryptProtectData(secret);
        } catch (RuntimeException e) {
            throw new IOException("DPAPI could not seal a secret: " + e.getMessage(), e);
        }
        AtomicFiles.ensurePrivateDirectory(directory);
        AtomicFiles.write(fileFor(key), sealed);
    }

    @Override
    public boolean delete(String key) throws IOException {
        return Files.deleteIfExists(fileFor(key));
    }
}
