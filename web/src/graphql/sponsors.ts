import { graphql } from '@/gql';

export const SponsorFieldsFragment = graphql(`
  fragment SponsorFields on Sponsor {
    id
    name
    contactEmail
    contactPhone
    notes
  }
`);

export const SponsorLinkFieldsFragment = graphql(`
  fragment SponsorLinkFields on SponsorLink {
    id
    url
    status
    purpose
    upiId
    expiresAt
    paidAt
    createdAt
    amount {
      amount
      currency
    }
    sponsor {
      id
      name
    }
    bankDetails {
      accountName
      accountNumberMasked
      ifsc
      bankName
    }
    transaction {
      id
      receiptNumber
    }
  }
`);

export const SponsorsQuery = graphql(`
  query Sponsors($groupId: ID!, $first: Int, $after: String) {
    sponsors(groupId: $groupId, first: $first, after: $after) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        node {
          ...SponsorFields
        }
      }
    }
  }
`);

export const SponsorLinksQuery = graphql(`
  query SponsorLinks($groupId: ID!, $first: Int, $after: String) {
    sponsorLinks(groupId: $groupId, first: $first, after: $after) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        node {
          ...SponsorLinkFields
        }
      }
    }
  }
`);

export const CreateSponsorMutation = graphql(`
  mutation CreateSponsor($input: CreateSponsorInput!) {
    createSponsor(input: $input) {
      ...SponsorFields
    }
  }
`);

export const UpdateSponsorMutation = graphql(`
  mutation UpdateSponsor($id: ID!, $input: UpdateSponsorInput!) {
    updateSponsor(id: $id, input: $input) {
      ...SponsorFields
    }
  }
`);

export const DeleteSponsorMutation = graphql(`
  mutation DeleteSponsor($id: ID!) {
    deleteSponsor(id: $id) {
      id
      deletedAt
    }
  }
`);

export const CreateSponsorLinkMutation = graphql(`
  mutation CreateSponsorLink($input: CreateSponsorLinkInput!) {
    createSponsorLink(input: $input) {
      ...SponsorLinkFields
    }
  }
`);

export const DeactivateSponsorLinkMutation = graphql(`
  mutation DeactivateSponsorLink($id: ID!) {
    deactivateSponsorLink(id: $id) {
      ...SponsorLinkFields
    }
  }
`);

/** Sponsors fit on one page for any club; the link list pages on. */
export const SPONSORS_PAGE_SIZE = 100;
export const SPONSOR_LINKS_PAGE_SIZE = 25;
