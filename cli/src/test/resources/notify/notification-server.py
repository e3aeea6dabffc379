#!/usr/bin/python3
# A desktop notification server for tests (the Desktop Notifications Specification, on the bus in
# DBUS_SESSION_BUS_ADDRESS). It records every call as one JSON line on stdout and does what the
# test writes on stdin, one command a line:
#   invoke ID ACTION   emit ActionInvoked(ID, ACTION), as a click on that button does
#   dismiss ID         emit NotificationClosed(ID, 2), as closing it without a button does
# NOTIFY_TEST_CAPS (comma-separated) sets the capabilities (default: actions,body,body-markup).
import json
import os
import sys

import dbus
import dbus.service
from dbus.mainloop.glib import DBusGMainLoop
from gi.repository import GLib

IFACE = 'org.freedesktop.Notifications'


def emit(record):
    sys.stdout.write(json.dumps(record) + '\n')
    sys.stdout.flush()


class Server(dbus.service.Object):
    def __init__(self, bus):
        super().__init__(bus, '/org/freedesktop/Notifications')
        self.last_id = 0
        self.caps = os.environ.get('NOTIFY_TEST_CAPS', 'actions,body,body-markup').split(',')

    @dbus.service.method(IFACE, in_signature='', out_signature='as')
    def GetCapabilities(self):
        return self.caps

    @dbus.service.method(IFACE, in_signature='', out_signature='ssss')
    def GetServerInformation(self):
        return ('test-notifications', 'bridgekeeper tests', '1.0', '1.2')

    @dbus.service.method(IFACE, in_signature='susssasa{sv}i', out_signature='u')
    def Notify(self, app, replaces, icon, summary, body, actions, hints, timeout):
        self.last_id += 1
        emit({'call': 'Notify', 'id': self.last_id, 'app': str(app), 'icon': str(icon), 'summary': str(summary),
              'body': str(body), 'actions': [str(a) for a in actions],
              'hints': {str(k): (int(v) if isinstance(v, (int, dbus.Byte)) else str(v)) for k, v in hints.items()},
              'timeout': int(timeout)})
        return self.last_id

    @dbus.service.method(IFACE, in_signature='u', out_signature='')
    def CloseNotification(self, nid):
        emit({'call': 'CloseNotification', 'id': int(nid)})
        self.NotificationClosed(nid, 3)

    @dbus.service.signal(IFACE, signature='us')
    def ActionInvoked(self, nid, action):
        pass

    @dbus.service.signal(IFACE, signature='uu')
    def NotificationClosed(self, nid, reason):
        pass


def on_stdin(source, condition, server):
    line = sys.stdin.readline()
    if not line:
        loop.quit()
        return False
    words = line.split()
    if len(words) == 3 and words[0] == 'invoke':
        server.ActionInvoked(dbus.UInt32(int(words[1])), words[2])
    elif len(words) == 2 and words[0] == 'dismiss':
        server.NotificationClosed(dbus.UInt32(int(words[1])), dbus.UInt32(2))
    emit({'done': line.strip()})
    return True


DBusGMainLoop(set_as_default=True)
bus = dbus.SessionBus()
name = dbus.service.BusName(IFACE, bus, do_not_queue=True)
server = Server(bus)
loop = GLib.MainLoop()
GLib.io_add_watch(sys.stdin, GLib.IO_IN | GLib.IO_HUP, on_stdin, server)
emit({'ready': bus.get_unique_name()})
loop.run()
