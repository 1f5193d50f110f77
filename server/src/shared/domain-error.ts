/**
 * The stable error codes every surface speaks. GraphQL puts them in
 * `extensions.code`, REST in `error.code`; services only ever throw DomainError.
 */
export enum ErrorCode {
  UNAUTHENTICATED = 'UNAUTHENTICATED',
  FORBIDDEN = 'FORBIDDEN',
  NOT_FOUND = 'NOT_FOUND',
  BAD_USER_INPUT = 'BAD_USER_INPUT',
  CONFLICT = 'CONFLICT',
  RATE_LIMITED = 'RATE_LIMITED',
  /** It existed and is over for good: an expired or deactivated public link. `reason` says which. */
  GONE = 'GONE',
  INTERNAL_SERVER_ERROR = 'INTERNAL_SERVER_ERROR',
}

/** Field path (e.g. `email`, `customAmount.amount`) → human message. */
export type FieldErrors = Record<string, string>;

export interface DomainErrorDetails {
  fields?: FieldErrors;
  /** A more specific, still stable reason, e.g. GROUP_DEACTIVATED. */
  reason?: string;
  retryAfterSeconds?: number;
  /** Further machine-readable facts about the error (e.g. a funds shortfall), added to the extensions as they are. */
  extra?: Record<string, unknown>;
}

export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: DomainErrorDetails = {},
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export const unauthenticated = (message = 'Sign in first'): DomainError =>
  new DomainError(ErrorCode.UNAUTHENTICATED, message);
export const forbidden = (message = 'You are not allowed to do this'): DomainError =>
  new DomainError(ErrorCode.FORBIDDEN, message);
export const notFound = (what: string): DomainError => new DomainError(ErrorCode.NOT_FOUND, `${what} not found`);
export const conflict = (message: string, reason?: string): DomainError =>
  new DomainError(ErrorCode.CONFLICT, message, reason ? { reason } : {});
export const badInput = (fields: FieldErrors, message = 'Some fields are invalid'): DomainError =>
  new DomainError(ErrorCode.BAD_USER_INPUT, message, { fields });
export const gone = (message: string, reason: string): DomainError => new DomainError(ErrorCode.GONE, message, { reason });
export const rateLimited = (message: string, retryAfterSeconds: number): DomainError =>
  new DomainError(ErrorCode.RATE_LIMITED, message, { retryAfterSeconds });

/** The HTTP status the REST sidecar uses for each code. */
export const httpStatusFor: Record<ErrorCode, number> = {
  [ErrorCode.UNAUTHENTICATED]: 401,
  [ErrorCode.FORBIDDEN]: 403,
  [ErrorCode.NOT_FOUND]: 404,
  [ErrorCode.BAD_USER_INPUT]: 400,
  [ErrorCode.CONFLICT]: 409,
  [ErrorCode.RATE_LIMITED]: 429,
  [ErrorCode.GONE]: 410,
  [ErrorCode.INTERNAL_SERVER_ERROR]: 500,
};
