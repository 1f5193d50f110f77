import type { RateLimitState } from '../../shared/rate-limit';
import { DomainError, unauthenticated } from '../../shared/domain-error';
import { ApiKey } from './api-key.entity';
import type { User } from './user.entity';

/**
 * The signed-in person as a request sees them: a plain row read by
 * `resolveViewer`, not a managed entity. A service that changes the user
 * (changePassword) loads the entity itself. `tokenGeneration` is the
 * generation of the request's token, which the check found current.
 */
export type ViewerUser = Pick<User, 'id' | 'email' | 'name' | 'phone' | 'mustChangePassword' | 'tokenGeneration'>;

type ViewerUserFields = Omit<ViewerUser, 'id' | 'tokenGeneration'>;

/** The `users` columns a statement that checks the viewer reads. */
export interface ViewerUserColumns {
  email: string;
  name: string;
  phone: string | null;
  must_change_password: boolean;
}

export function viewerUserFields(row: ViewerUserColumns): ViewerUserFields {
  return { email: row.email, name: row.name, phone: row.phone, mustChangePassword: row.must_change_password };
}

/**
 * The answer to a token whose user is gone (deleted or erased) or that was revoked (signed out,
 * password changed: its generation is no longer the user's), wherever that is found out. One
 * answer for both: the check is one condition, and a revoked token learns nothing more.
 */
export function viewerUserGone(): DomainError {
  return unauthenticated('This access token is no longer valid (signed out, password changed or account deleted); sign in again');
}

/**
 * A token user whose "exists, is not deleted and the token's generation is
 * current" check has not run yet: for the read-only operations that fold that
 * check into their first statement (graphql/folded-user-check.ts). That
 * statement confirms the user (and fills in the row) or refuses them; if none
 * does, the HTTP handler runs the check itself before anything is sent. The
 * row's fields throw until then: nothing can read a placeholder. The id and
 * the generation come from the token, so a statement can use them.
 */
export class PendingViewerUser implements ViewerUser {
  private fields: ViewerUserFields | undefined;
  private outcome: 'pending' | 'confirmed' | 'refused' = 'pending';

  constructor(
    readonly id: string,
    readonly tokenGeneration: number,
  ) {}

  get pending(): boolean {
    return this.outcome === 'pending';
  }

  get refused(): boolean {
    return this.outcome === 'refused';
  }

  /** The statement found the user, not deleted, at the token's generation. */
  confirm(fields: ViewerUserFields): void {
    if (this.outcome === 'refused') return;
    this.fields = fields;
    this.outcome = 'confirmed';
  }

  /** The statement found no such user, a deleted one, or another generation: the request is answered 401. */
  refuse(): void {
    this.outcome = 'refused';
  }

  private confirmed(): ViewerUserFields {
    if (!this.fields) throw new Error('The viewer has not been checked yet');
    return this.fields;
  }

  get email(): string {
    return this.confirmed().email;
  }

  get name(): string {
    return this.confirmed().name;
  }

  get phone(): string | null {
    return this.confirmed().phone;
  }

  get mustChangePassword(): boolean {
    return this.confirmed().mustChangePassword;
  }
}

/** Who is making the request. Services decide what each kind may do. */
export type Viewer =
  | { kind: 'user'; user: ViewerUser }
  /** `rateLimit`: the key's window after counting this request (or connection / subscribe). */
  | { kind: 'apiKey'; apiKey: ApiKey; rateLimit: RateLimitState }
  | { kind: 'anonymous' };

export const anonymousViewer: Viewer = { kind: 'anonymous' };

/** The viewer's user while its check is still to come (see PendingViewerUser), else undefined. */
export function pendingViewerUser(viewer: Viewer): PendingViewerUser | undefined {
  return viewer.kind === 'user' && viewer.user instanceof PendingViewerUser && viewer.user.pending ? viewer.user : undefined;
}
