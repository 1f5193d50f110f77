/**
 * How long the test helpers wait for something that normally takes milliseconds. Generous: CI runs
 * the browser tests beside the server's on two cores, where a server can be ten times slower for a
 * while; a passing test never waits this long, so it only delays a failure.
 */
export const WAIT_TIMEOUT_MS = 15_000;

/** Polls `condition` every 20 ms until it holds; fails naming `what` after `timeoutMs`. */
export async function until(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = WAIT_TIMEOUT_MS): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
