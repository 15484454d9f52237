#!/usr/bin/env node
// Browser end-to-end tests: `node end2end/run.mjs [name-filter...]` from the repository root.
//
// Starts the release server (target/release/too-good-crm) on 127.0.0.1 with a fresh SQLite
// database in a temporary folder, waits for /healthz, runs end2end/tests/*.test.mjs with
// node's test runner (one file at a time, in Debian's Chromium through playwright-core),
// stops the server, and exits non-zero when a test fails or the run times out.
//
// Environment:
//   E2E_BASE_URL    use this running server instead of starting one
//   E2E_PORT        port for the server it starts (default 3199, or any free port)
//   E2E_TIMEOUT_MS  bound for the whole run (default 300000 = 5 minutes)
//   TEST_SMTP_URL, TEST_MAILDEV_URL  a maildev (scripts/maildev.sh): the server it starts
//                   sends mail there, and the mail test reads it back
// Arguments: optional substrings of test file names to run only those files.
// Screenshots and the server log go to end2end/test-results/ (git-ignored).

import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const E2E_DIR = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(E2E_DIR, '..');
const TESTS_DIR = path.join(E2E_DIR, 'tests');
const RESULTS_DIR = path.join(E2E_DIR, 'test-results');
const SERVER_BIN = path.join(ROOT, 'target', 'release', 'too-good-crm');
const SITE_ROOT = path.join(ROOT, 'target', 'site');
const PKG_DIR = path.join(SITE_ROOT, 'pkg');
/** The release WASM bundle: too-good-crm.<hash>.wasm (Cargo.toml: hash-files), if built. */
const wasmBundle = () => {
  const name = existsSync(PKG_DIR) && readdirSync(PKG_DIR).find((f) => /^too-good-crm\..*wasm$/.test(f));
  return path.join(PKG_DIR, name || 'too-good-crm.<hash>.wasm');
};
const SERVER_LOG = path.join(RESULTS_DIR, 'server.log');
const RUN_TIMEOUT_MS = Number(process.env.E2E_TIMEOUT_MS || 300_000);
const HEALTH_TIMEOUT_MS = 30_000;

const started = Date.now();
const log = (msg) => console.log(`[e2e ${((Date.now() - started) / 1000).toFixed(1)}s] ${msg}`);

let server = null; // the server child process, when this script started one
let tempDir = null;
let tests = null; // the node --test child process (leader of its own process group)
let finishing = false;

function sleep(ms) {
  return new Promise((r) => setTimeout(r, ms));
}

function exited(child) {
  return child.exitCode !== null || child.signalCode !== null;
}

function waitForExit(child, ms) {
  if (exited(child)) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    child.once('exit', () => { clearTimeout(timer); resolve(true); });
  });
}

/** Port `preferred` if it is free on 127.0.0.1, else one the OS picks. */
function freePort(preferred) {
  const tryPort = (port) => new Promise((resolve) => {
    const srv = net.createServer();
    srv.once('error', () => resolve(null));
    srv.listen(port, '127.0.0.1', () => {
      const { port: got } = srv.address();
      srv.close(() => resolve(got));
    });
  });
  return tryPort(preferred).then((p) => p ?? tryPort(0));
}

function tail(file, lines = 40) {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no server log)';
  }
}

async function startServer() {
  for (const [file, what] of [[SERVER_BIN, 'the release server binary'], [wasmBundle(), 'the release WASM bundle']]) {
    if (!existsSync(file)) {
      throw new Error(`${what} is missing: ${path.relative(ROOT, file)} (build it with cargo leptos build --release)`);
    }
  }
  const port = await freePort(Number(process.env.E2E_PORT || 3199));
  tempDir = mkdtempSync(path.join(os.tmpdir(), 'too-good-crm-e2e-'));
  const env = {
    ...process.env,
    DATABASE_URL: `sqlite://${path.join(tempDir, 'e2e.db')}?mode=rwc`,
    LEPTOS_SITE_ADDR: `127.0.0.1:${port}`,
    LEPTOS_SITE_ROOT: path.relative(ROOT, SITE_ROOT),
    LEPTOS_OUTPUT_NAME: 'too-good-crm',
    LEPTOS_SITE_PKG_DIR: 'pkg',
    RUST_LOG: 'warn',
    // Every test signs up and in from 127.0.0.1: the per-address limits would count them all.
    LIMIT_REGISTER_ADDRESS: '1000/10',
    LIMIT_LOGIN_ADDRESS: '1000/15',
    // Mail goes to the maildev of scripts/test.sh when it runs one (tests read it there).
    ...(process.env.TEST_SMTP_URL ? { SMTP_URL: process.env.TEST_SMTP_URL } : {}),
  };
  delete env.SEED_DEMO;
  const logFd = openSync(SERVER_LOG, 'w');
  server = spawn(SERVER_BIN, [], { cwd: ROOT, env, stdio: ['ignore', logFd, logFd] });
  closeSync(logFd);
  server.on('error', (err) => log(`server: ${err.message}`));
  const baseUrl = `http://127.0.0.1:${port}`;
  log(`started ${path.relative(ROOT, SERVER_BIN)} (pid ${server.pid}) on ${baseUrl}, database in ${tempDir}`);

  const deadline = Date.now() + HEALTH_TIMEOUT_MS;
  for (;;) {
    if (exited(server)) {
      throw new Error(`the server exited (${server.exitCode ?? server.signalCode}) before answering /healthz:\n${tail(SERVER_LOG)}`);
    }
    try {
      const res = await fetch(`${baseUrl}/healthz`, { signal: AbortSignal.timeout(2_000) });
      if (res.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      throw new Error(`the server did not answer GET /healthz with 200 within ${HEALTH_TIMEOUT_MS / 1000}s:\n${tail(SERVER_LOG)}`);
    }
    await sleep(200);
  }
  log('server is healthy');
  return baseUrl;
}

async function stopServer() {
  if (server && !exited(server)) {
    server.kill('SIGTERM');
    if (!(await waitForExit(server, 5_000))) {
      log('server did not stop on SIGTERM; killing it');
      server.kill('SIGKILL');
      await waitForExit(server, 2_000);
    }
  }
  if (tempDir) {
    rmSync(tempDir, { recursive: true, force: true });
    tempDir = null;
  }
}

async function stopTests() {
  if (!tests || exited(tests)) return;
  // The whole group: the runner and its per-file processes (Playwright closes Chromium on SIGTERM).
  try { process.kill(-tests.pid, 'SIGTERM'); } catch { /* gone */ }
  if (!(await waitForExit(tests, 5_000))) {
    try { process.kill(-tests.pid, 'SIGKILL'); } catch { /* gone */ }
    await waitForExit(tests, 2_000);
  }
}

async function finish(code, message) {
  if (finishing) return;
  finishing = true;
  if (message) log(message);
  await stopTests();
  await stopServer();
  log(`done in ${((Date.now() - started) / 1000).toFixed(1)}s: ${code === 0 ? 'all tests passed' : 'FAILED'}`);
  process.exit(code);
}

function runTests(baseUrl, filters) {
  const files = readdirSync(TESTS_DIR)
    .filter((f) => f.endsWith('.test.mjs'))
    .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
    .sort()
    .map((f) => path.relative(ROOT, path.join(TESTS_DIR, f)));
  if (files.length === 0) throw new Error(`no test files match ${filters.join(', ')}`);
  log(`running ${files.join(', ')} against ${baseUrl}`);
  return new Promise((resolve) => {
    tests = spawn(
      process.execPath,
      ['--test', '--test-reporter=spec', '--test-concurrency=1', '--test-timeout=180000', ...files],
      { cwd: ROOT, stdio: 'inherit', detached: true, env: { ...process.env, E2E_BASE_URL: baseUrl } },
    );
    tests.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

async function main() {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const timer = setTimeout(() => {
    finish(1, `the run exceeded ${RUN_TIMEOUT_MS / 1000}s; stopping`);
  }, RUN_TIMEOUT_MS);
  timer.unref?.();
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(sig, () => finish(130, `received ${sig}; stopping`));
  }

  let baseUrl = (process.env.E2E_BASE_URL || '').replace(/\/+$/, '');
  try {
    if (baseUrl) {
      log(`using the server at ${baseUrl}`);
    } else {
      baseUrl = await startServer();
    }
    const code = await runTests(baseUrl, process.argv.slice(2));
    if (code !== 0 && server) {
      log(`server log (${path.relative(ROOT, SERVER_LOG)}), last lines:\n${tail(SERVER_LOG)}`);
    }
    await finish(code === 0 ? 0 : 1);
  } catch (err) {
    await finish(1, `error: ${err.message}`);
  }
}

main();
