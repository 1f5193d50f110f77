import { Role } from '../../shared/roles';
import { ApiKey } from './api-key.entity';
import { User } from './user.entity';

/** Who is making the request. Services decide what each kind may do. */
export type Viewer =
  | { kind: 'user'; user: User }
  | { kind: 'apiKey'; apiKey: ApiKey }
  | { kind: 'anonymous' };

export const anonymousViewer: Viewer = { kind: 'anonymous' };

/** Roles that may change a group's members, ordered by power. */
export const ROLE_RANK: Record<Role, number> = { [Role.ADMIN]: 3, [Role.OPERATOR]: 2, [Role.MEMBER]: 1 };
