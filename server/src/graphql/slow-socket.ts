import type { WebSocket } from 'ws';
import type { EventBus, SubscribeOptions } from '../shared/event-bus';

/**
 * WebSocket close code for a client that stopped reading: 1013 "Try Again
 * Later" (RFC 6455's registry). graphql-ws clients treat it as retryable, and
 * the console refetches its queries when it reconnects, so nothing is missed.
 */
export const FALLING_BEHIND_CLOSE_CODE = 1013;

/**
 * Closes `socket` when more than `maxBufferedBytes` are waiting to be sent to
 * it, i.e. its client is not reading (a phone that went to sleep on a bad
 * network). Without this, every event for that client would pile up in this
 * process's memory for as long as the connection stays open. Returns whether
 * it closed the socket; the caller then sends nothing more.
 */
export function closeIfFallingBehind(socket: WebSocket, maxBufferedBytes: number): boolean {
  if (socket.bufferedAmount <= maxBufferedBytes) return false;
  closeAsFallingBehind(socket);
  return true;
}

/** 1013: the client reconnects and refetches, so nothing it missed stays missed. */
export function closeAsFallingBehind(socket: WebSocket): void {
  socket.close(FALLING_BEHIND_CLOSE_CODE, 'Falling behind: reconnect and refetch');
}

/**
 * The event bus as one socket's subscriptions see it. graphql-ws sends a
 * subscription's results one at a time, waiting for each write; to a client that
 * stopped reading, a write never completes, so the subscription's later events
 * wait in the bus. Past `maxQueuedEvents` waiting, the socket is closed as above
 * (1013) and the events are dropped: the same outcome as a full send buffer.
 * A caller that passes its own options (the fan-out, whose subscription is no
 * one socket's) keeps them.
 */
export function eventsForSocket(events: EventBus, socket: WebSocket, maxQueuedEvents: number): EventBus {
  const socketOptions: SubscribeOptions = { maxQueuedEvents, onFellBehind: () => closeAsFallingBehind(socket) };
  return {
    publish: (event) => events.publish(event),
    subscribe: (topic, key, options) => events.subscribe(topic, key, options ?? socketOptions),
    // The shared bus is closed by the server when it stops, never through one socket.
    close: async () => undefined,
  };
}
