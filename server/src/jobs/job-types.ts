import type { MikroORM } from '@mikro-orm/postgresql';
import type { Pool } from 'pg';
import type { CofferConfig } from '../config';
import type { EventBus } from '../shared/event-bus';
import type { Logger } from '../shared/logger';

/**
 * What a job body receives. `pool` is a plain `pg` pool for set-based SQL
 * (claims, bulk inserts); `orm` for anything that wants entities.
 */
export interface JobDeps {
  orm: MikroORM;
  pool: Pool;
  config: CofferConfig;
  events: EventBus;
  logger: Logger;
}

/**
 * A named, idempotent unit of scheduled work. Running it twice, or on two
 * instances at once, must do the work once (unique keys, advisory locks or
 * SKIP LOCKED claims), and a run killed half way must leave nothing half done
 * (one transaction per unit of work). The result is a small JSON report
 * (what the cron route answers and job_runs keeps).
 */
export interface CofferJob {
  /** Stable name: the Agenda job name, the job_runs key. */
  name: string;
  /** Agenda interval, e.g. '30 seconds', '1 hour', or a cron expression. */
  every: string;
  /** A run stuck longer than this is presumed dead and the job may start elsewhere. */
  lockLifetimeMs?: number;
  run(deps: JobDeps): Promise<Record<string, unknown>>;
}
