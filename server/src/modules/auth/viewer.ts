import type { RateLimitState } from '../../shared/rate-limit';
import { ApiKey } from './api-key.entity';
import type { User } from './user.entity';

/**
 * The signed-in person as a request sees them: a plain row read by
 * `resolveViewer`, not a managed entity. A service that changes the user
 * (changePassword) loads the entity itself.
 */
export type ViewerUser = Pick<User, 'id' | 'email' | 'name' | 'phone' | 'mustChangePassword'>;

/** Who is making the request. Services decide what each kind may do. */
export type Viewer =
  | { kind: 'user'; user: ViewerUser }
  /** `rateLimit`: the key's window after counting this request (or connection / subscribe). */
  | { kind: 'apiKey'; apiKey: ApiKey; rateLimit: RateLimitState }
  | { kind: 'anonymous' };

export const anonymousViewer: Viewer = { kind: 'anonymous' };

