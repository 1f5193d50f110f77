// @ts-check
// One target server per child process, driven over IPC:
//   child -> parent  { type: 'ready', url }            once listening
//   parent -> child  { type: 'call', id, name, arg }    run a named handler
//   child -> parent  { type: 'reply', id, value | error }
//   parent -> child  { type: 'stop' }                   close and exit
// A child whose parent goes away (crash, Ctrl-C) exits on its own.
import { fork } from 'node:child_process';

/**
 * @typedef {object} TargetHandle
 * @property {string} url
 * @property {() => Promise<void>} close
 * @property {Record<string, (arg?: unknown) => unknown>} [handlers]
 */

const CLOSE_TIMEOUT_MS = 15_000;

/** @param {unknown} message @returns {message is Record<string, unknown>} */
function isRecord(message) {
  return typeof message === 'object' && message !== null;
}

/**
 * Child side: starts the server and answers the parent.
 * @param {() => Promise<TargetHandle>} start
 */
export function serveTarget(start) {
  if (!process.send) throw new Error('A bench target must be started by bench/run.mjs (it talks over IPC)');
  const send = (/** @type {object} */ message) => {
    if (process.connected && process.send) process.send(message);
  };
  let closing = false;
  /** @param {TargetHandle | undefined} handle */
  const closeAndExit = (handle) => {
    if (closing) return;
    closing = true;
    const timer = setTimeout(() => process.exit(1), CLOSE_TIMEOUT_MS);
    timer.unref();
    (handle ? handle.close() : Promise.resolve()).then(
      () => process.exit(0),
      (error) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  /** @type {TargetHandle | undefined} */
  let current;
  process.on('disconnect', () => closeAndExit(current));
  start().then(
    (handle) => {
      current = handle;
      process.on('message', (message) => {
        if (!isRecord(message)) return;
        if (message.type === 'stop') closeAndExit(handle);
        if (message.type === 'call') {
          const name = String(message.name);
          // Every target reports its own CPU time, so the parent can compute CPU per request.
          const handler = name === 'cpuUsage' ? () => process.cpuUsage() : handle.handlers?.[name];
          Promise.resolve()
            .then(() => {
              if (!handler) throw new Error(`No handler "${name}" in this target`);
              return handler(message.arg);
            })
            .then(
              (value) => send({ type: 'reply', id: message.id, value }),
              (error) => send({ type: 'reply', id: message.id, error: String(error?.stack ?? error) }),
            );
        }
      });
      send({ type: 'ready', url: handle.url });
    },
    (error) => {
      console.error(error);
      process.exit(1);
    },
  );
}

/**
 * @typedef {object} Target
 * @property {string} name
 * @property {string} url
 * @property {number | undefined} pid
 * @property {(handler: string, arg?: unknown) => Promise<unknown>} call
 * @property {() => Promise<void>} stop
 */

/**
 * Parent side: forks a target script and waits until it listens.
 * @param {string} name
 * @param {string} script
 * @param {{ env?: NodeJS.ProcessEnv, execArgv?: string[], readyTimeoutMs?: number }} [options]
 * @returns {Promise<Target>}
 */
export function startTarget(name, script, options = {}) {
  const child = fork(script, [], {
    env: options.env ?? process.env,
    execArgv: options.execArgv ?? [],
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  let nextId = 1;
  /** @type {Map<number, { resolve: (value: unknown) => void, reject: (error: Error) => void }>} */
  const pending = new Map();
  /** @type {Promise<void>} */
  const exited = new Promise((resolve) => child.once('exit', () => resolve()));
  exited.then(() => {
    for (const waiter of pending.values()) waiter.reject(new Error(`${name} exited`));
    pending.clear();
  });
  child.on('message', (message) => {
    if (!isRecord(message) || message.type !== 'reply') return;
    const waiter = pending.get(Number(message.id));
    if (!waiter) return;
    pending.delete(Number(message.id));
    if (message.error) waiter.reject(new Error(`${name}: ${message.error}`));
    else waiter.resolve(message.value);
  });

  let stopping;
  const stop = () => {
    stopping ??= (async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      if (child.connected) child.send({ type: 'stop' });
      else child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), CLOSE_TIMEOUT_MS + 2_000);
      await exited;
      clearTimeout(timer);
    })();
    return stopping;
  };

  const readyTimeoutMs = options.readyTimeoutMs ?? 90_000;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`${name} did not start within ${readyTimeoutMs / 1000} s`));
    }, readyTimeoutMs);
    const onExit = (/** @type {number | null} */ code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited with code ${code} before it was ready`));
    };
    child.once('exit', onExit);
    child.on('message', (message) => {
      if (!isRecord(message) || message.type !== 'ready') return;
      clearTimeout(timer);
      child.off('exit', onExit);
      resolve({
        name,
        url: String(message.url),
        pid: child.pid,
        stop,
        call: (handler, arg) =>
          new Promise((resolveCall, rejectCall) => {
            const id = nextId++;
            const callTimer = setTimeout(() => {
              pending.delete(id);
              rejectCall(new Error(`${name}: "${handler}" got no answer within 10 s`));
            }, 10_000);
            pending.set(id, {
              resolve: (value) => {
                clearTimeout(callTimer);
                resolveCall(value);
              },
              reject: (error) => {
                clearTimeout(callTimer);
                rejectCall(error);
              },
            });
            child.send({ type: 'call', id, name: handler, arg });
          }),
      });
    });
  });
}
