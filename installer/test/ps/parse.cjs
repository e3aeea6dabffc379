// Static check of install.ps1 without PowerShell: parses it with the tree-sitter PowerShell
// grammar (an approximation of PowerShell's own parser: it catches unbalanced braces, quotes and
// broken statements, not semantic errors), lists its functions, and checks that every function
// it calls is defined and that the parameters and registry handling the docs promise are there.
// Usage: node parse.cjs install.ps1   (needs web-tree-sitter and tree-sitter-powershell)
'use strict';
const fs = require('fs');
const { Parser, Language } = require('web-tree-sitter');

(async () => {
  await Parser.init();
  const lang = await Language.load(require.resolve('tree-sitter-powershell/tree-sitter-powershell.wasm'));
  const parser = new Parser();
  parser.setLanguage(lang);
  const file = process.argv[2];
  const src = fs.readFileSync(file, 'utf8');
  const tree = parser.parse(src);
  const problems = [];
  const defined = new Set();
  const called = new Map();
  (function walk(n) {
    if (n.type === 'ERROR' || n.isMissing) {
      problems.push(`${n.isMissing ? 'missing' : 'syntax error'} at ${n.startPosition.row + 1}:${n.startPosition.column + 1}: `
        + JSON.stringify(src.slice(n.startIndex, Math.min(n.endIndex, n.startIndex + 60))));
    }
    if (n.type === 'function_statement') {
      const name = n.children.find(c => c.type === 'function_name');
      if (name) defined.add(name.text.toLowerCase());
    }
    if (n.type === 'command_name' && /^[A-Za-z]+-[A-Za-z]+$/.test(n.text)) {
      if (!called.has(n.text.toLowerCase())) called.set(n.text.toLowerCase(), n.startPosition.row + 1);
    }
    for (const c of n.children) walk(c);
  })(tree.rootNode);
  // Verb-Noun commands that are ours must be defined; the rest are built-in cmdlets we allow.
  const builtins = new Set(['write-host', 'write-verbose', 'split-path', 'join-path', 'test-path', 'get-command', 'get-content',
    'get-filehash', 'get-item', 'get-childitem', 'copy-item', 'remove-item', 'new-object', 'select-object', 'where-object',
    'foreach-object', 'sort-object', 'set-strictmode']);
  for (const [name, line] of called) {
    if (!defined.has(name) && !builtins.has(name)) problems.push(`line ${line}: calls ${name}, which is neither defined nor an allowed cmdlet`);
  }
  const must = [
    [/\[ValidateSet\('User', 'System'\)\] \[string\] \$Scope/, 'a -Scope User|System parameter'],
    [/\[switch\] \$DryRun/, 'a -DryRun switch'], [/\[switch\] \$Uninstall/, 'an -Uninstall switch'],
    [/\[string\[\]\] \$Browser/, 'a -Browser list'], [/\[string\[\]\] \$ChromeId/, 'a -ChromeId list'],
    [/\[string\[\]\] \$FirefoxId/, 'a -FirefoxId list'], [/\[ValidateSet\('System', 'Bundle'\)\] \[string\] \$Runtime/, 'a -Runtime parameter'],
    [/OpenBaseKey\(\$hive, \[Microsoft\.Win32\.RegistryView\]::Registry64\)/, 'registry writes in the 64-bit view'],
    [/New-Object System\.Text\.UTF8Encoding\(\$false\)/, 'UTF-8 without BOM'],
  ];
  for (const [re, what] of must) if (!re.test(src)) problems.push(`missing: ${what}`);
  // The browser list is installer/browsers.catalog (shared with install.sh and the Java library),
  // not a list in the script: it must read that file, and its writes-key rule, applied here with
  // the script's own -replace patterns, must give every vendor key the docs name.
  if (!/Join-Path \$PSScriptRoot 'browsers\.catalog'/.test(src)) problems.push('missing: reads browsers.catalog beside the script');
  if (/\$Catalog = @\(\s*@\{/.test(src)) problems.push('a hard-coded browser list (the catalog must be the only one)');
  const keyLine = src.split('\n').find(l => l.includes("'writes-key'"));
  const patterns = keyLine ? [...keyLine.matchAll(/-replace '([^']*)', ''/g)].map(m => new RegExp(m[1])) : [];
  if (patterns.length !== 2) problems.push(`expected two -replace patterns on the writes-key line, found ${patterns.length}`);
  const catalog = fs.readFileSync(require('path').join(require('path').dirname(file), 'browsers.catalog'), 'utf8');
  const vendors = new Map();
  for (const line of catalog.split('\n')) {
    const f = line.split('|');
    if (line.startsWith('#') || f.length < 4 || f[0] !== 'windows' || f[2] !== 'writes-key') continue;
    const vendor = patterns.reduce((v, re) => v.replace(re, ''), f[3]);
    if (vendor.includes('NativeMessagingHosts') || vendor.startsWith('SOFTWARE')) problems.push(`writes-key not reduced to a vendor: ${f[3]} -> ${vendor}`);
    vendors.set(f[1], [...(vendors.get(f[1]) || []), vendor]);
  }
  for (const vendor of ['Google\\Chrome', 'Chromium', 'Microsoft\\Edge', 'BraveSoftware\\Brave-Browser', 'Vivaldi', 'Mozilla', 'LibreWolf']) {
    if (![...vendors.values()].some(v => v.includes(vendor))) problems.push(`missing vendor key ${vendor}`);
  }
  console.log(`catalog: ${[...vendors].map(([b, v]) => `${b}=${v.join('+')}`).join(' ')}`);
  console.log(`${file}: ${defined.size} functions: ${[...defined].sort().join(', ')}`);
  for (const p of problems) console.log(`  PROBLEM ${p}`);
  process.exit(problems.length ? 1 : 0);
})().catch(e => { console.error(e); process.exit(2); });
