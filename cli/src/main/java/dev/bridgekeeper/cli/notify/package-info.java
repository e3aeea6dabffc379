/**
 * Desktop notifications for the reference agent's pairing requests ({@link
 * dev.bridgekeeper.cli.notify.PairingNotifications}), so that pairing needs no terminal.
 *
 * <p>On Linux they go to {@code org.freedesktop.Notifications} over the session bus. The JDK has no
 * D-Bus client; rather than adding a general D-Bus library (and its service-loader transports) to
 * the shaded command jar, this package speaks the few parts of the wire protocol it needs: SASL
 * EXTERNAL, method calls with replies, and two signals ({@link
 * dev.bridgekeeper.cli.notify.DbusConnection}, {@link dev.bridgekeeper.cli.notify.DbusMessage}). Its
 * one limit: buses on abstract sockets (no {@code path=}) are out of Java's reach, which is reported
 * like any other unavailable notification: once, with the CLI command to use instead.
 */
package dev.bridgekeeper.cli.notify;
