/** A person's (or API key's) role within one group. */
export enum Role {
  ADMIN = 'ADMIN',
  OPERATOR = 'OPERATOR',
  MEMBER = 'MEMBER',
}
