import { forbidden, notFound, unauthenticated } from '../../shared/domain-error';
import { Role } from '../../shared/roles';
import type { ServiceContext } from '../../shared/service-context';
import { isUuid } from '../../shared/validation';
import type { ViewerUser } from './viewer';

/*
 * The named checks every service uses. A viewer with no role in a group gets
 * NOT_FOUND (the group's existence is none of their business); a viewer with
 * a role that is too weak gets FORBIDDEN.
 */

export function requireSignedIn(ctx: ServiceContext): void {
  if (ctx.viewer.kind === 'anonymous') throw unauthenticated();
}

/** Operations that belong to a person, never to an integrator's key. */
export function requireUser(ctx: ServiceContext): ViewerUser {
  if (ctx.viewer.kind === 'anonymous') throw unauthenticated();
  if (ctx.viewer.kind === 'apiKey') throw forbidden('API keys cannot do this; sign in as a person');
  return ctx.viewer.user;
}

/**
 * The viewer's role in a group when it is known without a query (anonymous,
 * or primed by the list that returned the group), else undefined: then use
 * viewerRoleIn. Lets a field resolver answer without a promise.
 */
export function knownViewerRoleIn(ctx: ServiceContext, groupId: string): Role | null | undefined {
  if (ctx.viewer.kind === 'anonymous') return null;
  return ctx.loaders.viewerRoleByGroup.known(groupId);
}

export async function viewerRoleIn(ctx: ServiceContext, groupId: string): Promise<Role | null> {
  if (ctx.viewer.kind === 'anonymous' || !isUuid(groupId)) return null;
  return ctx.loaders.viewerRoleByGroup.load(groupId);
}

export async function assertGroupRole(ctx: ServiceContext, groupId: string, allowed: readonly Role[], what = 'Group'): Promise<Role> {
  requireSignedIn(ctx);
  const role = await viewerRoleIn(ctx, groupId);
  if (!role) throw notFound(what);
  if (!allowed.includes(role)) throw forbidden(`Your role (${role}) cannot do this`);
  return role;
}

export const ANY_ROLE = [Role.ADMIN, Role.OPERATOR, Role.MEMBER] as const;
export const STAFF_ROLES = [Role.ADMIN, Role.OPERATOR] as const;
export const ADMIN_ONLY = [Role.ADMIN] as const;


/** Throws NOT_FOUND for an id that is not a UUID, before it reaches a query. */
export function requireId(id: string, what: string): string {
  if (!isUuid(id)) throw notFound(what);
  return id;
}
