/**
 * A CTE `group_today (group_id, today, tz)`: each active group's calendar date
 * right now in its time zone (`billing_settings.timeZone`, an IANA name),
 * UTC when it has none or an unknown one — so a bad setting never fails the
 * whole run. Dues are calendar dates, so "is it the day?" is asked here.
 */
export const GROUP_TODAY_CTE = `group_today as (
  select g.id as group_id, (now() at time zone coalesce(z.name, 'UTC'))::date as today, coalesce(z.name, 'UTC') as tz
  from groups g left join pg_timezone_names z on z.name = g.billing_settings->>'timeZone'
  where g.status = 'ACTIVE'
)`;
