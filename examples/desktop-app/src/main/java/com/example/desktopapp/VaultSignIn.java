package com.example.desktopapp;

import dev.bridgekeeper.agent.KeyVault;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * The app's own sign-in, which is what unlocks Bridgekeeper's key vault: the vault key is derived
 * from the password (PBKDF2 with a per-install salt), so an extension that unlocks with biometrics
 * receives the same key the app would derive. A real app checks the password against its own store
 * first; this sample accepts any non-empty password.
 */
final class VaultSignIn {
    private static final int ITERATIONS = 210_000;
    private final KeyVault vault;
    private final Path saltFile;
    private final String user = System.getProperty("user.name");

    VaultSignIn(KeyVault vault, Path dataDirectory) {
        this.vault = vault;
        this.saltFile = dataDirectory.resolve("vault-salt");
    }

    /** Derives the key from {@code password}, puts it in the vault and zeroes every copy. */
    void unlock(char[] password) throws IOException {
        if (password.length == 0) {
            throw new IllegalArgumentException("type your password");
        }
        byte[] key = derive(password, salt());
        try {
            vault.unlock(user, key);
        } finally {
            Arrays.fill(key, (byte) 0);
            Arrays.fill(password, '\0');
        }
    }

    void lock() {
        vault.lock();
    }

    private byte[] salt() throws IOException {
        if (Files.exists(saltFile)) {
            return Files.readAllBytes(saltFile);
        }
        byte[] salt = new byte[16];
        new SecureRandom().nextBytes(salt);
        Files.createDirectories(saltFile.getParent());
        Files.write(saltFile, salt);
        return salt;
    }

    private static byte[] derive(char[] password, byte[] salt) {
        PBEKeySpec spec = new PBEKeySpec(password, salt, ITERATIONS, 256);
        try {
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("PBKDF2WithHmacSHA256 is part of every JDK", e);
        } finally {
            spec.clearPassword();
        }
    }
}
