#!/usr/bin/env node
// `npm start`: build what is out of date, then run the API and the console
// side by side until Ctrl-C. The API starts its own embedded PostgreSQL when
// DATABASE_URL is unset, so this needs nothing but Node.
//
// Overrides for trying the orchestration without real builds:
//   COFFER_START_SKIP_BUILD=1, COFFER_START_API_CMD, COFFER_START_WEB_CMD
//   (shell command lines used instead of the real children).
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SERVER_DIR = path.join(ROOT, 'server');
const WEB_DIR = path.join(ROOT, 'web');
const SERVER_ENTRY = path.join(SERVER_DIR, 'dist', 'main.js');
const WEB_BUILD_ID = path.join(WEB_DIR, '.next', 'BUILD_ID');
// Children get this long to stop after SIGTERM before they are killed.
const STOP_GRACE_MS = 20_000;
const IS_WINDOWS = process.platform === 'win32';

// Development-only fallback, the same one the console uses in `next dev`
// (web/src/lib/config.ts). `next start` always runs with NODE_ENV=production,
// where the console insists on a secret, so we pass it explicitly. A real
// production deployment must set its own; refusing below keeps this one out.
const DEV_NEXTAUTH_SECRET = 'coffer-dev-only-nextauth-secret-change-me';

function log(message) {
  process.stdout.write(`[start] ${message}\n`);
}

function buildEnv() {
  const env = { ...process.env };
  const setDefault = (name, value) => {
    if (env[name] === undefined || env[name] === '') env[name] = value;
  };
  setDefault('PORT', '4000');
  setDefault('WEB_PORT', '3000');
  setDefault('NEXTAUTH_URL', `http://localhost:${env.WEB_PORT}`);
  if (!env.NEXTAUTH_SECRET && env.NODE_ENV === 'production') {
    throw new Error('NEXTAUTH_SECRET must be set when NODE_ENV=production');
  }
  setDefault('NEXTAUTH_SECRET', DEV_NEXTAUTH_SECRET);
  setDefault('COFFER_API_URL', `http://localhost:${env.PORT}/graphql`);
  // The console reads these at request time, so one build serves any API address.
  setDefault('COFFER_PUBLIC_API_URL', `http://localhost:${env.PORT}/graphql`);
  setDefault('COFFER_PUBLIC_WS_URL', `ws://localhost:${env.PORT}/graphql`);
  // The browser calls the API from the console's origin.
  setDefault('CORS_ORIGINS', new URL(env.NEXTAUTH_URL).origin);
  return env;
}

// ---------------------------------------------------------------- freshness

const IGNORED_DIRS = new Set(['node_modules', '.next', 'dist', 'dist-all', 'coverage', '.turbo']);
// Files the builds themselves (re)write; counting them would force a rebuild
// on every start.
const IGNORED_FILES = new Set(['next-env.d.ts']);

function newestMtime(target, extraIgnored = []) {
  if (!existsSync(target)) return 0;
  const stat = statSync(target);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = 0;
  for (const entry of readdirSync(target, { withFileTypes: true })) {
    if (entry.isDirectory() ? IGNORED_DIRS.has(entry.name) : IGNORED_FILES.has(entry.name)) continue;
    if (entry.name.endsWith('.tsbuildinfo') || extraIgnored.includes(entry.name)) continue;
    newest = Math.max(newest, newestMtime(path.join(target, entry.name)));
  }
  return newest;
}

function mtimeOrZero(file) {
  return existsSync(file) ? statSync(file).mtimeMs : 0;
}

function serverIsStale() {
  const built = mtimeOrZero(SERVER_ENTRY);
  if (built === 0) return 'server/dist/main.js is missing';
  const sources = Math.max(
    newestMtime(path.join(SERVER_DIR, 'src')),
    newestMtime(path.join(SERVER_DIR, 'package.json')),
    newestMtime(path.join(SERVER_DIR, 'tsconfig.json')),
    newestMtime(path.join(SERVER_DIR, 'tsconfig.build.json')),
    newestMtime(path.join(ROOT, 'tsconfig.json')),
  );
  return sources > built ? 'server sources changed since the last build' : undefined;
}

function webIsStale() {
  const built = mtimeOrZero(WEB_BUILD_ID);
  if (built === 0) return 'web/.next/BUILD_ID is missing';
  // e2e tests are not part of the console bundle.
  const sources = newestMtime(WEB_DIR, ['e2e']);
  if (sources > built) return 'console sources changed since the last build';
  return undefined;
}

// ------------------------------------------------------------------ children

// Run npm with the same npm that runs us when possible (`npm start` sets
// npm_execpath), so PATH lookups and Windows .cmd shims do not matter.
function npmCommand(args) {
  const npmCli = process.env.npm_execpath;
  if (npmCli && /\.c?js$/.test(npmCli)) return { command: process.execPath, args: [npmCli, ...args] };
  return { command: IS_WINDOWS ? 'npm.cmd' : 'npm', args, shell: IS_WINDOWS };
}

function shellCommand(line) {
  return { command: line, args: [], shell: true };
}

// Prefix every line a child prints, keeping stdout and stderr apart.
function pipeWithPrefix(stream, prefix, out) {
  if (!stream) return;
  createInterface({ input: stream, crlfDelay: Infinity }).on('line', (line) => out.write(`${prefix} ${line}\n`));
}

function launch(name, spec, { env, cwd, ownGroup }) {
  const child = spawn(spec.command, spec.args, {
    cwd,
    env,
    shell: spec.shell ?? false,
    stdio: ['ignore', 'pipe', 'pipe'],
    // In its own process group, a terminal Ctrl-C reaches only us and each
    // child is stopped once, in order, by the SIGTERM we forward (otherwise
    // the API, its database and the console would all get SIGINT at once).
    detached: ownGroup && !IS_WINDOWS,
  });
  pipeWithPrefix(child.stdout, `[${name}]`, process.stdout);
  pipeWithPrefix(child.stderr, `[${name}]`, process.stderr);
  return child;
}

let currentBuild;
let interruptedDuringBuild = false;

function runBuild(name, spec, env) {
  log(`building ${name}: ${[spec.command, ...spec.args].map((a) => path.basename(a)).join(' ')}`);
  return new Promise((resolve, reject) => {
    const child = launch(`build:${name}`, spec, { env, cwd: ROOT, ownGroup: false });
    currentBuild = child;
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      currentBuild = undefined;
      if (code === 0) resolve();
      else reject(new Error(`${name} build failed (${signal ?? `exit code ${code}`})`));
    });
  });
}

function onBuildSignal() {
  interruptedDuringBuild = true;
  currentBuild?.kill('SIGTERM');
}

async function buildIfNeeded(env) {
  if (process.env.COFFER_START_SKIP_BUILD === '1') return;
  const serverReason = serverIsStale();
  if (serverReason) {
    log(serverReason);
    try {
      await runBuild('server', npmCommand(['run', 'build', '-w', 'server']), env);
    } catch (error) {
      // tsc emits even when type-checking fails; drop the entry point so the
      // next start does not mistake a failed build for a fresh one.
      rmSync(SERVER_ENTRY, { force: true });
      throw error;
    }
    if (!existsSync(SERVER_ENTRY)) throw new Error('the server build did not produce server/dist/main.js');
  }
  const webReason = webIsStale();
  if (webReason) {
    log(webReason);
    await runBuild('web', npmCommand(['run', 'build', '-w', 'web']), env);
  }
}

function nextBinary() {
  const requireFromWeb = createRequire(path.join(WEB_DIR, 'package.json'));
  const nextPackage = requireFromWeb.resolve('next/package.json');
  return path.join(path.dirname(nextPackage), 'dist', 'bin', 'next');
}

function runServices(env) {
  const apiSpec = process.env.COFFER_START_API_CMD
    ? shellCommand(process.env.COFFER_START_API_CMD)
    : { command: process.execPath, args: [SERVER_ENTRY] };
  const webSpec = process.env.COFFER_START_WEB_CMD
    ? shellCommand(process.env.COFFER_START_WEB_CMD)
    : { command: process.execPath, args: [nextBinary(), 'start', '-p', env.WEB_PORT] };

  const children = new Map();
  let stopping = false;
  let exitCode = 0;
  let forceTimer;

  const stopAll = (code) => {
    if (stopping) return;
    stopping = true;
    exitCode = code;
    for (const [name, child] of children) {
      log(`stopping ${name}`);
      signalChild(child, 'SIGTERM');
    }
    forceTimer = setTimeout(() => {
      for (const [name, child] of children) {
        log(`${name} did not stop within ${STOP_GRACE_MS / 1000}s; killing it`);
        killTree(child);
      }
      exitCode = exitCode || 1;
    }, STOP_GRACE_MS);
  };

  const onExit = (name) => (code, signal) => {
    children.delete(name);
    if (!stopping) {
      log(`${name} exited unexpectedly (${signal ?? `exit code ${code}`}); stopping the rest`);
      stopAll(code || 1);
    } else {
      log(`${name} stopped`);
    }
    if (children.size === 0) {
      clearTimeout(forceTimer);
      process.exit(exitCode);
    }
  };

  const start = (name, spec, cwd, childEnv, { signalGroup }) => {
    const child = launch(name, spec, { env: childEnv, cwd, ownGroup: true });
    child.signalGroup = signalGroup || Boolean(spec.shell);
    children.set(name, child);
    child.on('error', (error) => {
      log(`could not start ${name}: ${error.message}`);
      // 'exit' may not follow a spawn failure; treat it as one.
      if (children.has(name)) onExit(name)(1, null);
    });
    child.on('exit', onExit(name));
  };

  // One signal is enough; a second one while stopping forces the issue.
  const onSignal = (signal) => {
    if (stopping) {
      log(`${signal} again; killing everything`);
      for (const child of children.values()) killTree(child);
      return;
    }
    log(`${signal} received`);
    stopAll(0);
  };
  process.removeListener('SIGINT', onBuildSignal);
  process.removeListener('SIGTERM', onBuildSignal);
  process.removeListener('SIGHUP', onBuildSignal);
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('SIGHUP', onSignal);

  // The API alone gets the signal: it stops its embedded database itself,
  // after draining. Next (and any shell stand-in) get it group-wide so no
  // worker or grandchild outlives them.
  start('api', apiSpec, ROOT, env, { signalGroup: false });
  start('web', webSpec, WEB_DIR, { ...env, PORT: env.WEB_PORT }, { signalGroup: true });
  log(`console http://localhost:${env.WEB_PORT}  API ${env.COFFER_API_URL}  (Ctrl-C stops both)`);
}

function signalChild(child, signal) {
  try {
    if (child.signalGroup && !IS_WINDOWS && child.pid) process.kill(-child.pid, signal);
    else child.kill(signal);
  } catch {
    child.kill(signal);
  }
}

// Last resort after the grace period: the whole process group, so the API's
// database and Next's workers go too.
function killTree(child) {
  try {
    if (!IS_WINDOWS && child.pid) process.kill(-child.pid, 'SIGKILL');
    else child.kill('SIGKILL');
  } catch {
    child.kill('SIGKILL');
  }
}

async function main() {
  const env = buildEnv();
  process.on('SIGINT', onBuildSignal);
  process.on('SIGTERM', onBuildSignal);
  process.on('SIGHUP', onBuildSignal);
  try {
    await buildIfNeeded(env);
  } catch (error) {
    if (interruptedDuringBuild) {
      log('interrupted during the build');
      process.exit(0);
    }
    throw error;
  }
  if (interruptedDuringBuild) process.exit(0);
  runServices(env);
}

main().catch((error) => {
  process.stderr.write(`[start] ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
