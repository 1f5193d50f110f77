'use client';

import { useId, useState } from 'react';
import { useApolloClient, useMutation } from '@apollo/client/react';
import { ApproveMutation, CancelApprovalMutation, RejectMutation } from '@/graphql/approvals';
import type { ApprovalCardFragment, ApprovalRequestStatus } from '@/gql/graphql';
import { errorCode, errorMessage, errorReason } from '@/lib/graphql-errors';
import { REQUEST_STATUS_LABELS } from '@/lib/labels';
import { useLocale } from '@/lib/locale';
import { ApprovalDiff, approvalSummary, describeOperation } from './approval-diff';
import { removeFromPending } from './approval-events';
import { LocalDateTime } from './date-time';

const STATUS_CLASS: Record<ApprovalRequestStatus, string> = {
  PENDING: 'badge badge--warn',
  APPROVED: 'badge badge--ok',
  REJECTED: 'badge badge--error',
  CANCELLED: 'badge',
};

/** The API's refusals, in words that say what to do next. */
function decisionError(error: unknown): string {
  const code = errorCode(error);
  const reason = errorReason(error);
  if (code === 'CONFLICT' && reason === 'STALE_REQUEST') {
    return 'The record changed since this request was made, so approving it would overwrite that change. Reject it and ask for a new request.';
  }
  if (code === 'CONFLICT' && reason === 'ALREADY_DECIDED') {
    return 'Another admin already decided this request.';
  }
  if (code === 'FORBIDDEN') {
    return 'You cannot decide this request: nobody approves or rejects their own request, and only admins decide.';
  }
  if (code === 'NOT_FOUND') return 'This request no longer exists.';
  return errorMessage(error);
}

export interface DecisionNotice {
  text: string;
  tone: 'ok' | 'error';
}

interface Props {
  groupId: string;
  /** The group's currency, for amounts a member record stores without one. */
  currency: string | null;
  approval: ApprovalCardFragment;
  /**
   * The request left "waiting" (decided here or by someone else): the card moves to the
   * history, so what happened is said above the lists, and the lists are re-read.
   */
  onDecided: (notice: DecisionNotice) => void;
}

const DONE: Record<'approve' | 'reject' | 'cancel', string> = {
  approve: 'Approved',
  reject: 'Rejected',
  cancel: 'Cancelled',
};

export function ApprovalCard({ groupId, currency, approval, onDecided }: Props) {
  const locale = useLocale();
  const client = useApolloClient();
  const notesId = useId();
  const [notes, setNotes] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [approve, approving] = useMutation(ApproveMutation);
  const [reject, rejecting] = useMutation(RejectMutation);
  const [cancel, cancelling] = useMutation(CancelApprovalMutation);
  const busy = approving.loading || rejecting.loading || cancelling.loading;
  const pending = approval.status === 'PENDING';
  const canDecide = approval.viewerCanApprove || approval.viewerCanReject;
  const summary = approvalSummary(approval, locale);
  const title = summary ? `${describeOperation(approval)} · ${summary}` : describeOperation(approval);
  const requester = approval.requestedBy.name ?? (approval.requestedBy.kind === 'SYSTEM' ? 'Coffer' : 'Someone');

  async function run(action: 'approve' | 'reject' | 'cancel') {
    setError(null);
    const trimmed = notes.trim() || null;
    try {
      if (action === 'approve') await approve({ variables: { id: approval.id, notes: trimmed } });
      else if (action === 'reject') await reject({ variables: { id: approval.id, notes: trimmed } });
      else await cancel({ variables: { id: approval.id } });
      // The answer updated this request in the cache; out of "waiting" it goes.
      removeFromPending(client.cache, groupId, approval.id);
      onDecided({ text: `${DONE[action]}: ${title}.`, tone: 'ok' });
    } catch (caught) {
      if (errorReason(caught) === 'ALREADY_DECIDED') {
        onDecided({ text: `${decisionError(caught)} (${title})`, tone: 'error' });
        return;
      }
      setError(decisionError(caught));
    }
  }

  return (
    <li className={pending ? 'approval approval--pending' : 'approval'} aria-labelledby={`${notesId}-title`}>
      <div className="approval__head">
        <h3 className="approval__title" id={`${notesId}-title`}>
          {describeOperation(approval)}
          {summary ? (
            <>
              {' '}
              <span className="approval__summary">{summary}</span>
            </>
          ) : null}
        </h3>
        <span className={STATUS_CLASS[approval.status]}>{REQUEST_STATUS_LABELS[approval.status]}</span>
      </div>
      <p className="approval__meta">
        Asked by <strong>{requester}</strong> · <LocalDateTime iso={approval.createdAt} />
      </p>
      {approval.notes ? <p className="approval__notes">“{approval.notes}”</p> : null}
      <ApprovalDiff approval={approval} currency={currency} />
      {!pending ? (
        <p className="approval__meta">
          {REQUEST_STATUS_LABELS[approval.status]}
          {approval.decidedBy?.name && approval.status !== 'CANCELLED' ? (
            <>
              {' by '}
              <strong>{approval.decidedBy.name}</strong>
            </>
          ) : null}
          {approval.decidedAt ? (
            <>
              {' · '}
              <LocalDateTime iso={approval.decidedAt} />
            </>
          ) : null}
          {approval.decisionNotes ? <span className="approval__notes"> “{approval.decisionNotes}”</span> : null}
        </p>
      ) : null}
      {error ? (
        <p className="form-error" role="alert">
          {error}
        </p>
      ) : null}
      {pending && (canDecide || approval.viewerCanCancel) ? (
        <div className="approval__actions">
          {canDecide ? (
            <div className="field approval__note-field">
              <label htmlFor={notesId}>Note (optional)</label>
              <input
                id={notesId}
                value={notes}
                maxLength={2000}
                autoComplete="off"
                onChange={(event) => setNotes(event.target.value)}
                placeholder="Kept with the decision"
              />
            </div>
          ) : null}
          <div className="form__actions">
            {approval.viewerCanApprove ? (
              <button type="button" className="button button--primary" disabled={busy} onClick={() => void run('approve')}>
                {approving.loading ? 'Approving…' : 'Approve'}
              </button>
            ) : null}
            {approval.viewerCanReject ? (
              <button type="button" className="button button--danger" disabled={busy} onClick={() => void run('reject')}>
                {rejecting.loading ? 'Rejecting…' : 'Reject'}
              </button>
            ) : null}
            {approval.viewerCanCancel ? (
              <button type="button" className="button" disabled={busy} onClick={() => void run('cancel')}>
                {cancelling.loading ? 'Cancelling…' : 'Cancel request'}
              </button>
            ) : null}
          </div>
        </div>
      ) : null}
    </li>
  );
}
