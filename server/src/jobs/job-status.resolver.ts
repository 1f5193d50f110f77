import { Ctx, Field, Int, ObjectType, Query, Resolver } from 'type-graphql';
import { GraphQLJSONObject } from 'graphql-scalars';
import type { GraphQLContext } from '../graphql/context';
import { forbidden } from '../shared/domain-error';
import type { ServiceContext } from '../shared/service-context';
import { requireUser } from '../modules/auth/authorization';
import { cofferJobs } from './job-list';

@ObjectType('JobStatus', { description: 'A scheduled job of the installation and its last run' })
export class JobStatusType {
  @Field({ description: 'e.g. notification-tasks' })
  name: string;

  @Field({ description: 'How often the scheduler runs it' })
  every: string;

  @Field(() => Int)
  runs: number;

  @Field(() => Int)
  failures: number;

  @Field(() => Date, { nullable: true })
  lastStartedAt: Date | null;

  @Field(() => Date, { nullable: true })
  lastFinishedAt: Date | null;

  @Field(() => GraphQLJSONObject, { nullable: true, description: 'The report of the last successful run' })
  lastResult: Record<string, unknown> | null;

  @Field(() => String, { nullable: true, description: 'Why the last run failed; null when it succeeded' })
  lastError: string | null;
}

interface JobRunRow {
  name: string;
  runs: number;
  failures: number;
  /** Raw SQL through MikroORM leaves timestamps as strings. */
  last_started_at: string | Date | null;
  last_finished_at: string | Date | null;
  last_result: Record<string, unknown> | null;
  last_error: string | null;
}

/**
 * The installation's jobs. Coffer has no separate operator role, so the
 * people who run a group (its admins) may see them; the reports hold counts
 * and job errors, never a group's data.
 */
export async function listJobStatus(ctx: ServiceContext): Promise<JobStatusType[]> {
  const user = requireUser(ctx);
  const admin = await ctx.em.execute<{ n: number }[]>(`select count(*)::int as n from members where user_id = ? and role = 'ADMIN' and status = 'ACTIVE'`, [user.id]);
  if (admin[0].n === 0) throw forbidden('Only group admins can see the jobs');
  const rows = await ctx.em.execute<JobRunRow[]>('select * from job_runs');
  const byName = new Map(rows.map((row) => [row.name, row]));
  return cofferJobs.map((job) => {
    const row = byName.get(job.name);
    return {
      name: job.name,
      every: job.every,
      runs: row?.runs ?? 0,
      failures: row?.failures ?? 0,
      lastStartedAt: row?.last_started_at ? new Date(row.last_started_at) : null,
      lastFinishedAt: row?.last_finished_at ? new Date(row.last_finished_at) : null,
      lastResult: row?.last_result ?? null,
      lastError: row?.last_error ?? null,
    };
  });
}

@Resolver()
export class JobStatusResolver {
  @Query(() => [JobStatusType], { description: 'Scheduled jobs and their last runs (admins of any group)' })
  async jobStatus(@Ctx() ctx: GraphQLContext): Promise<JobStatusType[]> {
    return listJobStatus(ctx);
  }
}
