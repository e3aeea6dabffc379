#!/usr/bin/env bash
# Static check of installer/install.ps1 where no PowerShell exists (Debian has no pwsh package):
# parses it with the tree-sitter PowerShell grammar (installed from npm into a temporary folder,
# versions pinned in installer/test/ps/package.json) and runs the checks in ps/parse.cjs.
# What this does NOT prove: that the script runs. docs/installer-manual-test.md is the plan for that.
# Ends with 'N passed, N failed' (and skipped).
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
if command -v pwsh >/dev/null 2>&1; then
  echo "== pwsh found: parsing with PowerShell's own parser"
  if pwsh -NoProfile -Command "\$e=\$null; [void][System.Management.Automation.Language.Parser]::ParseFile('$REPO/installer/install.ps1',[ref]\$null,[ref]\$e); if (\$e.Count) { \$e | ForEach-Object { \$_.ToString() }; exit 1 }"; then
    echo "1 passed, 0 failed"; exit 0
  fi
  echo "0 passed, 1 failed"; exit 1
fi
TOOLS=$(mktemp -d "${TMPDIR:-/tmp}/bk-ps-check.XXXXXX")
trap 'rm -rf "$TOOLS"' EXIT
cp "$HERE/ps/package.json" "$HERE/ps/parse.cjs" "$TOOLS/"
echo "== installing the PowerShell grammar (npm, test-only)"
if ! (cd "$TOOLS" && npm install --no-audit --no-fund --ignore-scripts --loglevel=error >/dev/null 2>&1); then
  echo "   SKIP: npm could not install tree-sitter-powershell/web-tree-sitter"
  echo "0 passed, 0 failed, 1 skipped"
  exit 0
fi
echo "== parse installer/install.ps1"
if (cd "$TOOLS" && node parse.cjs "$REPO/installer/install.ps1"); then
  echo "1 passed, 0 failed"
else
  echo "0 passed, 1 failed"
  exit 1
fi
