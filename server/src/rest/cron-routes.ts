import type { IncomingMessage, ServerResponse } from 'node:http';
import { runJob } from '../jobs/job-runner';
import { findJob } from '../jobs/job-list';
import { secretMatches } from '../shared/crypto';
import { ErrorCode } from '../shared/domain-error';
import { sendData, sendError } from './envelope';
import type { RestDeps } from './router';

/**
 * POST /api/cron/<job>: runs one job now, for an external scheduler
 * (cron, a Kubernetes CronJob) instead of or besides the in-process one.
 * `x-cron-secret` must equal CRON_SECRET (compared in constant time); with
 * no CRON_SECRET configured the routes refuse every call. The jobs are the
 * scheduler's own, so overlapping calls do their work once.
 */
function cronRoute(jobName: string) {
  return async (req: IncomingMessage, res: ServerResponse, deps: RestDeps): Promise<void> => {
    if (!deps.config.cronSecret) {
      sendError(res, ErrorCode.UNAUTHENTICATED, 'Cron routes are off: CRON_SECRET is not configured', { reason: 'CRON_DISABLED' });
      return;
    }
    const given = req.headers['x-cron-secret'];
    if (!secretMatches(typeof given === 'string' ? given : undefined, deps.config.cronSecret)) {
      sendError(res, ErrorCode.UNAUTHENTICATED, 'Missing or wrong x-cron-secret');
      return;
    }
    const job = findJob(jobName);
    if (!job) {
      sendError(res, ErrorCode.NOT_FOUND, `No job ${jobName} in this build`);
      return;
    }
    sendData(res, 200, await runJob(deps, job));
  };
}

export const cronRoutes = {
  '/api/cron/billing': { POST: cronRoute('billing') },
  '/api/cron/reminders': { POST: cronRoute('reminders') },
  '/api/cron/follow-ups': { POST: cronRoute('follow-ups') },
  '/api/cron/notification-tasks': { POST: cronRoute('notification-tasks') },
};
