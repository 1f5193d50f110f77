// @ts-check
// Scenario (c)'s subscribers: one WebSocket per admin, speaking graphql-ws's
// protocol (graphql-transport-ws) directly on `ws` so the client side costs
// as little as possible (every subscriber lives in the bench parent). Each
// delivery is timestamped on arrival, before its JSON is parsed; the payloads
// are checked after the event's window.
//
// Events are sent one at a time: the next mutation goes out only when every
// subscriber has the previous event (or the event timed out), so each
// message that arrives belongs to the event being measured.
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';

const PROTOCOL = 'graphql-transport-ws';

/**
 * @typedef {object} Delivery
 * @property {Float64Array} times     arrival (performance.now()) per subscriber, NaN if none
 * @property {(string | undefined)[]} payloads
 * @property {number} received
 * @property {() => void} [done]
 */

/**
 * @typedef {object} Subscribers
 * @property {number} size
 * @property {string[]} problems   errors, completes, closes and strays seen so far
 * @property {(timeoutMs: number) => { result: Promise<Delivery> }} expect  arms the collector for the next event
 * @property {() => Promise<void>} close
 */

/**
 * Opens one socket per token and subscribes each; resolves when every socket
 * has been acknowledged and has sent its subscribe message. Whether the
 * subscriptions are live on the server is only known once an event reaches
 * all of them: the caller sends warm-up events for that.
 * @param {{ url: string, tokens: string[], query: string, variables: Record<string, unknown>, concurrency?: number, timeoutMs?: number }} options
 * @returns {Promise<Subscribers>}
 */
export async function openSubscribers({ url, tokens, query, variables, concurrency = 50, timeoutMs = 60_000 }) {
  const wsUrl = url.replace(/^http/, 'ws');
  /** @type {WebSocket[]} */
  const sockets = [];
  /** @type {string[]} */
  const problems = [];
  /** @type {Delivery | undefined} */
  let current;
  let closing = false;
  const subscribeMessage = JSON.stringify({ id: '1', type: 'subscribe', payload: { query, variables } });

  /** @param {string} token @param {number} index @returns {Promise<void>} */
  const open = (token, index) =>
    new Promise((resolve, reject) => {
      const socket = new WebSocket(wsUrl, PROTOCOL, { perMessageDeflate: false });
      sockets[index] = socket;
      const timer = setTimeout(() => reject(new Error(`subscriber ${index}: no connection_ack within ${timeoutMs} ms`)), timeoutMs);
      socket.on('open', () => socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${token}` } })));
      socket.on('message', (data) => {
        const at = performance.now();
        const text = data.toString();
        // The hot path: a `next` for the event being measured is stored as it is.
        if (text.startsWith('{"id":"1","type":"next"')) {
          const delivery = current;
          if (!delivery) {
            problems.push(`subscriber ${index}: an event arrived outside any measured window`);
            return;
          }
          if (!Number.isNaN(delivery.times[index])) {
            problems.push(`subscriber ${index}: a second delivery within one event`);
            return;
          }
          delivery.times[index] = at;
          delivery.payloads[index] = text;
          delivery.received += 1;
          if (delivery.received === sockets.length) delivery.done?.();
          return;
        }
        /** @type {{ type?: string, payload?: unknown }} */
        let message;
        try {
          message = JSON.parse(text);
        } catch {
          problems.push(`subscriber ${index}: unparsable message ${text.slice(0, 200)}`);
          return;
        }
        if (message.type === 'connection_ack') {
          clearTimeout(timer);
          socket.send(subscribeMessage);
          resolve();
        } else if (message.type === 'ping') {
          socket.send(JSON.stringify({ type: 'pong' }));
        } else if (message.type === 'pong') {
          // nothing to do
        } else {
          problems.push(`subscriber ${index}: ${text.slice(0, 300)}`);
        }
      });
      socket.on('error', (error) => problems.push(`subscriber ${index}: socket error ${error.message}`));
      socket.on('close', (code, reason) => {
        clearTimeout(timer);
        if (!closing) problems.push(`subscriber ${index}: socket closed (${code} ${reason.toString()})`);
        reject(new Error(`subscriber ${index}: socket closed (${code} ${reason.toString()}) before connection_ack`));
      });
    });

  let next = 0;
  const workers = Array.from({ length: Math.min(concurrency, tokens.length) }, async () => {
    while (next < tokens.length) {
      const index = next++;
      await open(tokens[index], index);
    }
  });
  const close = async () => {
    closing = true;
    await Promise.all(
      sockets.map(
        (socket) =>
          new Promise((resolve) => {
            if (!socket || socket.readyState === WebSocket.CLOSED) return resolve(undefined);
            const timer = setTimeout(() => {
              socket.terminate();
              resolve(undefined);
            }, 5_000);
            socket.once('close', () => {
              clearTimeout(timer);
              resolve(undefined);
            });
            socket.close(1000);
          }),
      ),
    );
  };
  try {
    await Promise.all(workers);
  } catch (error) {
    await close();
    throw error;
  }

  return {
    size: sockets.length,
    problems,
    expect: (eventTimeoutMs) => {
      /** @type {Delivery} */
      const delivery = { times: new Float64Array(sockets.length).fill(NaN), payloads: new Array(sockets.length), received: 0 };
      current = delivery;
      const result = new Promise((resolve) => {
        const timer = setTimeout(() => {
          current = undefined;
          resolve(delivery);
        }, eventTimeoutMs);
        delivery.done = () => {
          clearTimeout(timer);
          current = undefined;
          resolve(delivery);
        };
      });
      return { result: /** @type {Promise<Delivery>} */ (result) };
    },
    close,
  };
}

/**
 * @typedef {object} EventSample
 * @property {number} first     ms from sending the mutation to the first delivery
 * @property {number} last      ms to the last (N-th) delivery; Infinity if some never arrived
 * @property {number} median    ms to the median delivery
 * @property {number} mutation  ms until the mutation's HTTP response
 * @property {number} missing   subscribers without the event when the window closed
 * @property {number} wrong     deliveries whose payload was not the expected event
 * @property {string | undefined} wrongExample  the first of them
 * @property {number} clientCpuMs  the bench parent's own CPU from sending the mutation to the last delivery (its 1,000 sockets share the server's cores)
 */

/**
 * Sends one event (the mutation) and waits until every subscriber has it.
 * @param {Subscribers} subscribers
 * @param {() => Promise<string>} send  performs the mutation, resolves to the approval id it queued
 * @param {(payload: any, approvalId: string) => boolean} check  the delivered `data` is the expected event
 * @param {number} timeoutMs
 * @returns {Promise<EventSample>}
 */
export async function measureEvent(subscribers, send, check, timeoutMs) {
  const { result } = subscribers.expect(timeoutMs);
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  /** @type {number} */
  let answered = NaN;
  const mutation = send().then((id) => {
    answered = performance.now();
    return id;
  });
  // Awaited after the deliveries; a failure must not go unhandled meanwhile.
  mutation.catch(() => undefined);
  const delivery = await result;
  const cpu = process.cpuUsage(cpuBefore);
  const approvalId = await mutation;
  let wrong = 0;
  /** @type {string | undefined} */
  let wrongExample;
  /** @type {number[]} */
  const arrived = [];
  for (let i = 0; i < delivery.times.length; i += 1) {
    const at = delivery.times[i];
    if (Number.isNaN(at)) continue;
    arrived.push(at - started);
    try {
      const message = JSON.parse(/** @type {string} */ (delivery.payloads[i]));
      if (message.payload?.errors || !check(message.payload?.data, approvalId)) {
        wrong += 1;
        wrongExample ??= String(delivery.payloads[i]).slice(0, 500);
      }
    } catch {
      wrong += 1;
      wrongExample ??= String(delivery.payloads[i]).slice(0, 500);
    }
  }
  arrived.sort((a, b) => a - b);
  const missing = delivery.times.length - arrived.length;
  return {
    first: arrived[0] ?? Infinity,
    last: missing > 0 ? Infinity : arrived[arrived.length - 1],
    median: arrived[Math.floor(arrived.length / 2)] ?? Infinity,
    mutation: answered - started,
    missing,
    wrong,
    wrongExample,
    clientCpuMs: (cpu.user + cpu.system) / 1000,
  };
}
