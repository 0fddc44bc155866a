// Lays out the npm packages for `npm pack` (called by scripts/package.sh):
//   node packaging/npm/stage.js METADATA BINARY STAGING
// METADATA is `cargo metadata --no-deps` output: the version (and the repository and homepage,
// where Cargo.toml has them) come from Cargo.toml alone and are written into each package.json
// here. BINARY is the release binary, STAGING the directory that receives `cozegen/` (the
// launcher package) and `cli-linux-x64/` (the platform package).
'use strict';

const fs = require('node:fs');
const path = require('node:path');

const [metadataFile, binary, staging] = process.argv.slice(2);
if (!staging) {
  process.stderr.write('usage: node packaging/npm/stage.js METADATA BINARY STAGING\n');
  process.exit(2);
}
const here = __dirname;
const root = path.resolve(here, '..', '..');
const crate = JSON.parse(fs.readFileSync(metadataFile, 'utf8')).packages.find(
  (p) => p.name === 'cozegen',
);
const { PLATFORMS } = require('./cozegen/bin/cozegen.js');

// The fields every package takes from Cargo.toml, in the order npm prints them.
function manifest(template, extra) {
  const json = JSON.parse(fs.readFileSync(template, 'utf8'));
  if ('version' in json || 'repository' in json) {
    throw new Error(`${template}: the version and repository come from Cargo.toml, not from here`);
  }
  const out = Object.assign({ name: json.name, version: crate.version }, json);
  if (crate.repository) out.repository = { type: 'git', url: `git+${crate.repository}` };
  if (crate.homepage || crate.repository) out.homepage = crate.homepage || crate.repository;
  return Object.assign(out, extra);
}

function stage(name, extra, files) {
  const dir = path.join(staging, name);
  fs.mkdirSync(dir, { recursive: true });
  const json = manifest(path.join(here, name, 'package.json'), extra);
  fs.writeFileSync(path.join(dir, 'package.json'), `${JSON.stringify(json, null, 2)}\n`);
  for (const [from, to, mode] of files) {
    fs.mkdirSync(path.dirname(path.join(dir, to)), { recursive: true });
    fs.copyFileSync(from, path.join(dir, to));
    fs.chmodSync(path.join(dir, to), mode);
  }
}

const common = (name) => [
  [path.join(here, name, 'README.md'), 'README.md', 0o644],
  [path.join(root, 'LICENSE-MIT'), 'LICENSE-MIT', 0o644],
  [path.join(root, 'LICENSE-APACHE'), 'LICENSE-APACHE', 0o644],
];

// Only the platform built here has a binary to stage; the table must name it.
const built = PLATFORMS['linux-x64'];
if (!built || built.pkg !== '@cozegen/cli-linux-x64') {
  throw new Error('the launcher does not list @cozegen/cli-linux-x64 for linux-x64');
}
stage('cli-linux-x64', {}, [...common('cli-linux-x64'), [binary, 'bin/cozegen', 0o755]]);

const optionalDependencies = Object.fromEntries(
  Object.values(PLATFORMS).map((p) => [p.pkg, crate.version]),
);
stage('cozegen', { optionalDependencies }, [
  ...common('cozegen'),
  [path.join(here, 'cozegen', 'bin', 'cozegen.js'), 'bin/cozegen.js', 0o755],
]);
