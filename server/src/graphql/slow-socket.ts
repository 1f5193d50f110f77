import type { WebSocket } from 'ws';

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
  socket.close(FALLING_BEHIND_CLOSE_CODE, 'Falling behind: reconnect and refetch');
  return true;
}
