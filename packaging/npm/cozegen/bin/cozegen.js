#!/usr/bin/env node
// The `cozegen` command of the npm package. The tool is a native executable, carried by one
// package per platform (`@cozegen/cli-<platform>`), each an optional dependency of this one
// whose os/cpu/libc fields let npm install it only where it runs. This launcher finds the
// installed one and runs its binary with the same arguments and standard streams, then ends as
// the binary ended: the same exit status, or the same signal.
'use strict';

const { spawn } = require('node:child_process');
const path = require('node:path');

// Every platform a release builds, as `${process.platform}-${process.arch}`, with its package
// and what a user reads about it. scripts/package.sh makes each one an optional dependency of
// this package (packaging/npm/stage.js reads this table).
const PLATFORMS = {
  'linux-x64': { pkg: '@cozegen/cli-linux-x64', describe: 'Linux x86_64 (glibc 2.34 or newer)' },
};

// Signals a terminal, a process manager or an MCP client sends to end the tool: passed on to
// the binary, which decides how to end (an MCP session drains, then exits).
const FORWARDED = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT'];

function fail(lines) {
  process.stderr.write(`cozegen: ${lines.join('\n  ')}\n`);
  process.exit(1);
}

function covered() {
  return Object.values(PLATFORMS).map((p) => p.describe).join('; ');
}

// On Linux the binaries link glibc: a musl system (Alpine) cannot run them.
function isMusl() {
  if (process.platform !== 'linux' || !process.report) return false;
  const header = process.report.getReport().header;
  return !header.glibcVersionRuntime;
}

function binaryPath() {
  const key = `${process.platform}-${process.arch}`;
  const platform = PLATFORMS[key];
  if (!platform) {
    fail([
      `no binary for this platform (${key}).`,
      `The npm packages carry binaries for: ${covered()}.`,
      'Elsewhere, build cozegen from source with a Rust toolchain (`cargo build --release`).',
    ]);
  }
  let manifest;
  try {
    manifest = require.resolve(`${platform.pkg}/package.json`);
  } catch {
    fail([
      `the package ${platform.pkg}, which carries the binary for ${key}, is not installed.`,
      isMusl()
        ? `This looks like a musl system; the binaries need glibc. Covered: ${covered()}.`
        : 'It is an optional dependency of cozegen: reinstall without --omit=optional (or --no-optional).',
    ]);
  }
  return path.join(path.dirname(manifest), 'bin', 'cozegen');
}

function main() {
  const binary = binaryPath();
  const child = spawn(binary, process.argv.slice(2), { stdio: 'inherit' });
  const forward = (signal) => child.kill(signal);
  for (const signal of FORWARDED) process.on(signal, forward);

  child.on('error', (error) => {
    fail([
      `could not run ${binary}: ${error.message}`,
      isMusl() ? 'This looks like a musl system; the binaries need glibc.' : `Covered: ${covered()}.`,
    ]);
  });
  child.on('exit', (code, signal) => {
    for (const s of FORWARDED) process.off(s, forward);
    if (signal) {
      // End by the same signal, as a shell or a supervisor expects of the binary itself; the
      // status a shell reports for it stands in should the signal not end this process. Node
      // ignores SIGPIPE and opens its inspector on SIGUSR1: those two are not raised again.
      process.exitCode = 128 + (require('node:os').constants.signals[signal] || 0);
      if (signal !== 'SIGPIPE' && signal !== 'SIGUSR1') process.kill(process.pid, signal);
      return;
    }
    process.exitCode = code;
  });
}

if (require.main === module) {
  main();
}

module.exports = { PLATFORMS };
