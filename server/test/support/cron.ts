import type { TestServer } from './test-server';

export interface CronResponse<T = Record<string, unknown>> {
  status: number;
  data?: T;
  error?: { code: string; message: string; details: Record<string, unknown> };
}

/** POST /api/cron/<job> with the given x-cron-secret (none when undefined). */
export async function callCron<T = Record<string, unknown>>(t: TestServer, job: string, secret: string | undefined): Promise<CronResponse<T>> {
  const response = await fetch(`${t.url}/api/cron/${job}`, { method: 'POST', headers: secret === undefined ? {} : { 'x-cron-secret': secret } });
  return { status: response.status, ...((await response.json()) as Omit<CronResponse<T>, 'status'>) };
}
