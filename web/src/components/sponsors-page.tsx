'use client';

import { useState } from 'react';
import { NetworkStatus } from '@apollo/client';
import { useMutation, useQuery } from '@apollo/client/react';
import { GroupQuery } from '@/graphql/groups';
import {
  DeactivateSponsorLinkMutation,
  DeleteSponsorMutation,
  SPONSOR_LINKS_PAGE_SIZE,
  SponsorLinksQuery,
  SPONSORS_PAGE_SIZE,
  SponsorsQuery,
} from '@/graphql/sponsors';
import type { SponsorFieldsFragment, SponsorLinkFieldsFragment, SponsorLinkStatus } from '@/gql/graphql';
import { errorMessage } from '@/lib/graphql-errors';
import { formatMoney } from '@/lib/format';
import { useLocale } from '@/lib/locale';
import { LocalDateTime } from './date-time';
import { FormError } from './field';
import { LoadError } from './load-error';
import { SponsorForm } from './sponsor-form';
import { SponsorLinkForm } from './sponsor-link-form';

const STATUS_LABELS: Record<SponsorLinkStatus, { label: string; badge: string }> = {
  ACTIVE: { label: 'Active', badge: 'badge badge--ok' },
  PAID: { label: 'Paid', badge: 'badge badge--ok' },
  EXPIRED: { label: 'Expired', badge: 'badge badge--warn' },
  INACTIVE: { label: 'Deactivated', badge: 'badge' },
};

const countOf = (count: number, noun: string): string => `${count} ${noun}${count === 1 ? '' : 's'}`;

function SponsorRow({ groupId, sponsor, onChanged }: { groupId: string; sponsor: SponsorFieldsFragment; onChanged: () => void }) {
  const [editing, setEditing] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [deleteSponsor, { loading: deleting }] = useMutation(DeleteSponsorMutation);

  async function onDelete() {
    if (!window.confirm(`Delete ${sponsor.name}? Its open links stop working; its payments are kept.`)) return;
    setError(null);
    try {
      await deleteSponsor({ variables: { id: sponsor.id } });
      onChanged();
    } catch (caught) {
      setError(errorMessage(caught));
    }
  }

  return (
    <>
      <tr role="row">
        <td role="cell">
          <span className="member__name">{sponsor.name}</span>
          {sponsor.notes ? <span className="member__email">{sponsor.notes}</span> : null}
        </td>
        <td role="cell">{sponsor.contactEmail ?? '—'}</td>
        <td role="cell" className="hide-narrow nowrap">
          {sponsor.contactPhone ?? '—'}
        </td>
        <td role="cell" className="cell-actions nowrap">
          <button
            type="button"
            className="button button--small"
            aria-expanded={editing}
            aria-label={`Edit ${sponsor.name}`}
            onClick={() => setEditing((open) => !open)}
          >
            {editing ? 'Close' : 'Edit'}
          </button>{' '}
          <button
            type="button"
            className="button button--small button--danger"
            aria-label={`Delete ${sponsor.name}`}
            disabled={deleting}
            onClick={() => void onDelete()}
          >
            {deleting ? 'Deleting…' : 'Delete'}
          </button>
        </td>
      </tr>
      {error ? (
        <tr role="row">
          <td role="cell" colSpan={4}>
            <FormError>{error}</FormError>
          </td>
        </tr>
      ) : null}
      {editing ? (
        <tr role="row" className="row--editor">
          <td role="cell" colSpan={4}>
            <SponsorForm
              groupId={groupId}
              sponsor={sponsor}
              onDone={() => {
                setEditing(false);
                onChanged();
              }}
              onCancel={() => setEditing(false)}
            />
          </td>
        </tr>
      ) : null}
    </>
  );
}

function SponsorLinkRow({ link, onChanged }: { link: SponsorLinkFieldsFragment; onChanged: () => void }) {
  const locale = useLocale();
  const [message, setMessage] = useState<string | null>(null);
  const [deactivate, { loading }] = useMutation(DeactivateSponsorLinkMutation);
  const status = STATUS_LABELS[link.status];

  async function copy() {
    try {
      await navigator.clipboard.writeText(link.url);
      setMessage('Link copied');
    } catch {
      window.prompt('Copy the sponsor link:', link.url);
    }
  }

  async function onDeactivate() {
    if (!window.confirm('Deactivate this link? The sponsor page stops working for good.')) return;
    setMessage(null);
    try {
      await deactivate({ variables: { id: link.id } });
      onChanged();
    } catch (caught) {
      setMessage(errorMessage(caught));
    }
  }

  return (
    <tr role="row">
      <td role="cell">
        <span className="member__name">{link.purpose}</span>
        <span className="member__email">{link.sponsor ? link.sponsor.name : 'Open appeal'}</span>
      </td>
      <td role="cell" className="num nowrap">
        {formatMoney(link.amount, locale)}
      </td>
      <td role="cell" className="hide-narrow">
        <LocalDateTime iso={link.expiresAt} />
      </td>
      <td role="cell">
        <span className={status.badge}>{status.label}</span>
        {link.transaction?.receiptNumber ? <span className="member__email">{link.transaction.receiptNumber}</span> : null}
      </td>
      <td role="cell" className="cell-actions nowrap">
        {link.status === 'ACTIVE' ? (
          <>
            <button type="button" className="button button--small" onClick={() => void copy()}>
              Copy link
            </button>{' '}
            <a className="button button--small" href={link.url} target="_blank" rel="noopener noreferrer">
              Open
            </a>{' '}
          </>
        ) : null}
        {link.status === 'ACTIVE' || link.status === 'EXPIRED' ? (
          <button type="button" className="button button--small button--danger" disabled={loading} onClick={() => void onDeactivate()}>
            {loading ? 'Deactivating…' : 'Deactivate'}
          </button>
        ) : null}
        {message ? (
          <span className="member__email" role="status">
            {message}
          </span>
        ) : null}
      </td>
    </tr>
  );
}

export function SponsorsPage({ groupId }: { groupId: string }) {
  const { data: groupData } = useQuery(GroupQuery, { variables: { id: groupId }, fetchPolicy: 'cache-first' });
  const group = groupData?.group;
  const sponsors = useQuery(SponsorsQuery, { variables: { groupId, first: SPONSORS_PAGE_SIZE }, fetchPolicy: 'cache-and-network' });
  const links = useQuery(SponsorLinksQuery, {
    variables: { groupId, first: SPONSOR_LINKS_PAGE_SIZE },
    fetchPolicy: 'cache-and-network',
    notifyOnNetworkStatusChange: true,
  });
  const sponsorList = sponsors.data?.sponsors.edges.map((edge) => edge.node) ?? [];
  const linkConnection = links.data?.sponsorLinks;
  const refetchSponsors = () => void sponsors.refetch();
  const refetchLinks = () => void links.refetch({ first: Math.max(SPONSOR_LINKS_PAGE_SIZE, linkConnection?.edges.length ?? 0), after: undefined });

  return (
    <>
      <section aria-labelledby="sponsors-heading">
        <div className="section-title">
          <h2 id="sponsors-heading">Sponsors</h2>
          {sponsors.data ? <span className="muted">{countOf(sponsors.data.sponsors.totalCount, 'sponsor')}</span> : null}
        </div>
        <details className="panel">
          <summary>Add a sponsor</summary>
          <SponsorForm groupId={groupId} onDone={refetchSponsors} />
        </details>
        {sponsors.error && !sponsors.data ? <LoadError error={sponsors.error} onRetry={refetchSponsors} /> : null}
        {sponsors.data ? (
          <div className="table-wrap">
            <table className="table" role="table">
              <caption className="visually-hidden">Sponsors</caption>
              <thead role="rowgroup">
                <tr role="row">
                  <th scope="col" role="columnheader">Sponsor</th>
                  <th scope="col" role="columnheader">E-mail</th>
                  <th scope="col" role="columnheader" className="hide-narrow">Phone</th>
                  <th scope="col" role="columnheader">
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody role="rowgroup">
                {sponsorList.map((sponsor) => (
                  <SponsorRow
                    key={sponsor.id}
                    groupId={groupId}
                    sponsor={sponsor}
                    onChanged={() => {
                      // Deleting a sponsor also deactivates its open links.
                      refetchSponsors();
                      refetchLinks();
                    }}
                  />
                ))}
                {sponsorList.length === 0 ? (
                  <tr role="row">
                    <td role="cell" colSpan={4} className="table__empty">
                      No sponsors yet.
                    </td>
                  </tr>
                ) : null}
              </tbody>
            </table>
          </div>
        ) : sponsors.loading ? (
          <p className="muted" role="status">
            Loading sponsors…
          </p>
        ) : null}
      </section>

      <section aria-labelledby="sponsor-links-heading">
        <div className="section-title">
          <h2 id="sponsor-links-heading">Sponsor links</h2>
          {linkConnection ? <span className="muted">{countOf(linkConnection.totalCount, 'link')}</span> : null}
        </div>
        {group ? <SponsorLinkForm groupId={groupId} currency={group.currency} sponsors={sponsorList} onCreated={refetchLinks} /> : null}
        {links.error && !linkConnection ? <LoadError error={links.error} onRetry={refetchLinks} /> : null}
        {linkConnection ? (
          <div className="table-wrap">
            <table className="table table--money" role="table">
              <caption className="visually-hidden">Sponsor links</caption>
              <thead role="rowgroup">
                <tr role="row">
                  <th scope="col" role="columnheader">Purpose</th>
                  <th scope="col" role="columnheader" className="num">Amount</th>
                  <th scope="col" role="columnheader" className="hide-narrow">Works until</th>
                  <th scope="col" role="columnheader">Status</th>
                  <th scope="col" role="columnheader">
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody role="rowgroup">
                {linkConnection.edges.map((edge) => (
                  <SponsorLinkRow key={edge.node.id} link={edge.node} onChanged={refetchLinks} />
                ))}
                {linkConnection.edges.length === 0 ? (
                  <tr role="row">
                    <td role="cell" colSpan={5} className="table__empty">
                      No sponsor links yet.
                    </td>
                  </tr>
                ) : null}
              </tbody>
            </table>
          </div>
        ) : null}
        {linkConnection?.pageInfo.hasNextPage ? (
          <div className="load-more">
            <button
              type="button"
              className="button"
              disabled={links.networkStatus === NetworkStatus.fetchMore}
              onClick={() => void links.fetchMore({ variables: { after: linkConnection.pageInfo.endCursor } })}
            >
              Load more ({linkConnection.edges.length} of {linkConnection.totalCount} shown)
            </button>
          </div>
        ) : null}
      </section>
    </>
  );
}
