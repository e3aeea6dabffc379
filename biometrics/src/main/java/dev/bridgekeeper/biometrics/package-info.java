/**
 * Asking the operating system whether the person at the keyboard is the desktop user.
 *
 * <p>The agent uses only {@link dev.bridgekeeper.biometrics.Authenticator}, obtained from
 * {@link dev.bridgekeeper.biometrics.Authenticators#forName(String)}. Each platform lives in a
 * subpackage split in two: a thin binding interface whose methods are single native calls (a
 * {@code ...Port}, with a JNA implementation) and a logic class that decides what the answers
 * mean and releases every native object; the logic classes are unit-tested against fake ports.
 *
 * <ul>
 *   <li>{@code polkit}: Linux, libpolkit-gobject-1 (tested against a real polkitd by
 *       {@code scripts/polkit-it.sh});</li>
 *   <li>{@code windows}: Windows Hello through WinRT {@code UserConsentVerifier};</li>
 *   <li>{@code macos}: LocalAuthentication {@code LAContext} (Touch ID).</li>
 * </ul>
 *
 * <p>Native libraries are loaded only when an authenticator of the running operating system is
 * first asked something; other platforms' classes never load theirs. Blocking native calls run on
 * worker threads through {@link dev.bridgekeeper.biometrics.internal.PromptRunner}. This package depends on
 * nothing else of the project.
 */
package dev.bridgekeeper.biometrics;

import dev.bridgekeeper.biometrics.internal.PromptRunner;
