#!/usr/bin/env bash
# Removes what installer/install.sh installed: the same as 'install.sh --uninstall'.
# Takes the same --scope/--prefix (and --dry-run) as the install did.
set -eu
exec bash "$(cd "$(dirname "$0")" && pwd)/install.sh" --uninstall "$@"
