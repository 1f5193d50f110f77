/* eslint-disable */
import * as types from './graphql';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  mutation ChangePassword($currentPassword: String!, $newPassword: String!) {\n    changePassword(currentPassword: $currentPassword, newPassword: $newPassword) {\n      id\n      mustChangePassword\n    }\n  }\n": typeof types.ChangePasswordDocument,
    "\n  query MyAccount {\n    me {\n      profile {\n        id\n        name\n        email\n        phone\n        language\n        displayCurrency\n        notificationPreferences {\n          channel\n          enabled\n        }\n      }\n    }\n    profileOptions {\n      languages\n      displayCurrencies\n      channels\n    }\n    consents {\n      type\n      granted\n      createdAt\n    }\n  }\n": typeof types.MyAccountDocument,
    "\n  mutation UpdateMyProfile($input: UpdateProfileInput!) {\n    updateMyProfile(input: $input) {\n      id\n      name\n      email\n      phone\n      language\n      displayCurrency\n      notificationPreferences {\n        channel\n        enabled\n      }\n    }\n  }\n": typeof types.UpdateMyProfileDocument,
    "\n  mutation SetConsent($type: ConsentType!, $granted: Boolean!) {\n    setConsent(type: $type, granted: $granted) {\n      type\n      granted\n      createdAt\n    }\n  }\n": typeof types.SetConsentDocument,
    "\n  mutation ExportMyData {\n    exportMyData {\n      id\n      createdAt\n      json\n    }\n  }\n": typeof types.ExportMyDataDocument,
    "\n  mutation DeleteMyAccount($confirmation: String!) {\n    deleteMyAccount(confirmation: $confirmation) {\n      erasureRequestId\n      retainFinancialUntil\n    }\n  }\n": typeof types.DeleteMyAccountDocument,
    "\n  fragment ApiKeyFields on ApiKey {\n    id\n    name\n    prefix\n    role\n    createdAt\n    lastUsedAt\n    revokedAt\n  }\n": typeof types.ApiKeyFieldsFragmentDoc,
    "\n  query ApiKeys($groupId: ID!) {\n    apiKeys(groupId: $groupId) {\n      ...ApiKeyFields\n    }\n  }\n": typeof types.ApiKeysDocument,
    "\n  mutation CreateApiKey($groupId: ID!, $name: String!, $role: Role!) {\n    createApiKey(groupId: $groupId, name: $name, role: $role) {\n      secret\n      apiKey {\n        ...ApiKeyFields\n      }\n    }\n  }\n": typeof types.CreateApiKeyDocument,
    "\n  mutation RevokeApiKey($id: ID!) {\n    revokeApiKey(id: $id) {\n      ...ApiKeyFields\n    }\n  }\n": typeof types.RevokeApiKeyDocument,
    "\n  fragment ApprovalCard on ApprovalRequest {\n    id\n    entityType\n    action\n    status\n    targetId\n    proposedData\n    previousData\n    notes\n    createdAt\n    decidedAt\n    decisionNotes\n    requestedBy {\n      kind\n      id\n      name\n    }\n    decidedBy {\n      kind\n      name\n    }\n    viewerCanApprove\n    viewerCanReject\n    viewerCanCancel\n  }\n": typeof types.ApprovalCardFragmentDoc,
    "\n  query Approvals($groupId: ID!, $status: ApprovalRequestStatus, $first: Int, $after: String) {\n    approvals(groupId: $groupId, status: $status, first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        cursor\n        node {\n          ...ApprovalCard\n        }\n      }\n    }\n  }\n": typeof types.ApprovalsDocument,
    "\n  query PendingApprovalCount($groupId: ID!) {\n    pendingApprovalCount(groupId: $groupId)\n  }\n": typeof types.PendingApprovalCountDocument,
    "\n  subscription ApprovalEvents($groupId: ID!) {\n    approvalEvents(groupId: $groupId) {\n      type\n      pendingCount\n      approval {\n        ...ApprovalCard\n      }\n    }\n  }\n": typeof types.ApprovalEventsDocument,
    "\n  mutation Approve($id: ID!, $notes: String) {\n    approve(id: $id, notes: $notes) {\n      ...ApprovalCard\n    }\n  }\n": typeof types.ApproveDocument,
    "\n  mutation Reject($id: ID!, $notes: String) {\n    reject(id: $id, notes: $notes) {\n      ...ApprovalCard\n    }\n  }\n": typeof types.RejectDocument,
    "\n  mutation CancelApproval($id: ID!) {\n    cancelApproval(id: $id) {\n      ...ApprovalCard\n    }\n  }\n": typeof types.CancelApprovalDocument,
    "\n  query Dashboard($groupId: ID!) {\n    dashboard(groupId: $groupId) {\n      groupId\n      currency\n      from\n      to\n      members {\n        total\n        active\n      }\n      income {\n        amount\n        currency\n      }\n      expenses {\n        amount\n        currency\n      }\n      balance {\n        amount\n        currency\n      }\n      pendingApprovals\n      monthly {\n        month\n        income {\n          amount\n          currency\n        }\n        expenses {\n          amount\n          currency\n        }\n      }\n      recentActivity {\n        id\n        action\n        entityType\n        entityId\n        createdAt\n        actor {\n          kind\n          name\n        }\n      }\n      recentAudit {\n        id\n        action\n        entityType\n        entityId\n        createdAt\n        actor {\n          kind\n          name\n        }\n      }\n    }\n  }\n": typeof types.DashboardDocument,
    "\n  query BillingPeriods($groupId: ID!, $first: Int) {\n    billingPeriods(groupId: $groupId, first: $first) {\n      totalCount\n      edges {\n        node {\n          id\n          label\n          periodStart\n          periodEnd\n          dueDate\n          status\n          total {\n            amount\n            currency\n          }\n        }\n      }\n    }\n  }\n": typeof types.BillingPeriodsDocument,
    "\n  fragment DueRow on Due {\n    id\n    status\n    dueDate\n    amount {\n      amount\n      currency\n    }\n    member {\n      id\n      name\n      memberNumber\n    }\n    period {\n      id\n      label\n    }\n    memberConfirmedAt\n    paidAt\n    waivedReason\n    decisionNotes\n    iHavePaidLink\n    viewerCanDecide\n    paidTransaction {\n      id\n      receiptNumber\n    }\n  }\n": typeof types.DueRowFragmentDoc,
    "\n  query Dues($groupId: ID!, $periodId: ID, $status: DueStatus, $first: Int) {\n    dues(groupId: $groupId, periodId: $periodId, status: $status, first: $first) {\n      totalCount\n      edges {\n        node {\n          ...DueRow\n        }\n      }\n    }\n  }\n": typeof types.DuesDocument,
    "\n  mutation CreateBillingPeriod($input: CreateBillingPeriodInput!) {\n    createBillingPeriod(input: $input) {\n      dueCount\n      period {\n        id\n        label\n      }\n    }\n  }\n": typeof types.CreateBillingPeriodDocument,
    "\n  mutation ConfirmPayment($dueId: ID!, $action: PaymentDecision!, $notes: String) {\n    confirmPayment(dueId: $dueId, action: $action, notes: $notes) {\n      due {\n        ...DueRow\n      }\n      transaction {\n        id\n        receiptNumber\n      }\n    }\n  }\n": typeof types.ConfirmPaymentDocument,
    "\n  mutation WaiveDue($dueId: ID!, $reason: String!) {\n    waiveDue(dueId: $dueId, reason: $reason) {\n      ...DueRow\n    }\n  }\n": typeof types.WaiveDueDocument,
    "\n  subscription DueEvents($groupId: ID!) {\n    dueEvents(groupId: $groupId) {\n      change\n      periodId\n      due {\n        ...DueRow\n      }\n    }\n  }\n": typeof types.DueEventsDocument,
    "\n  fragment MembershipTermRow on MembershipTerm {\n    id\n    type\n    status\n    startsOn\n    endsOn\n    paidAt\n    amount {\n      amount\n      currency\n    }\n    member {\n      id\n      name\n      memberNumber\n    }\n    paidTransaction {\n      id\n      receiptNumber\n    }\n  }\n": typeof types.MembershipTermRowFragmentDoc,
    "\n  query MembershipTerms($groupId: ID!, $status: MembershipTermStatus, $first: Int) {\n    membershipTerms(groupId: $groupId, status: $status, first: $first) {\n      totalCount\n      edges {\n        node {\n          ...MembershipTermRow\n        }\n      }\n    }\n  }\n": typeof types.MembershipTermsDocument,
    "\n  mutation CreateMembershipTerm($input: CreateMembershipTermInput!) {\n    createMembershipTerm(input: $input) {\n      pendingApproval\n      term {\n        ...MembershipTermRow\n      }\n    }\n  }\n": typeof types.CreateMembershipTermDocument,
    "\n  query Groups($first: Int) {\n    groups(first: $first) {\n      totalCount\n      edges {\n        node {\n          id\n          name\n          kind\n          currency\n          status\n          viewerRole\n          memberCount\n          unpaidCount\n          nextBillingDate\n        }\n      }\n    }\n  }\n": typeof types.GroupsDocument,
    "\n  query Group($id: ID!) {\n    group(id: $id) {\n      id\n      name\n      kind\n      service\n      currency\n      status\n      memberNumberPrefix\n      viewerRole\n      memberCount\n      unpaidCount\n      nextBillingDate\n    }\n  }\n": typeof types.GroupDocument,
    "\n  mutation CreateGroup($input: CreateGroupInput!) {\n    createGroup(input: $input) {\n      id\n      name\n    }\n  }\n": typeof types.CreateGroupDocument,
    "\n  query AuditLog($groupId: ID!, $first: Int, $after: String) {\n    auditLog(groupId: $groupId, first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        cursor\n        node {\n          id\n          action\n          entityType\n          entityId\n          createdAt\n          previousData\n          newData\n          actor {\n            kind\n            name\n          }\n        }\n      }\n    }\n  }\n": typeof types.AuditLogDocument,
    "\n  query ActivityLog($groupId: ID!, $first: Int, $after: String) {\n    activityLog(groupId: $groupId, first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        cursor\n        node {\n          id\n          action\n          entityType\n          entityId\n          createdAt\n          before\n          after\n          actor {\n            kind\n            name\n          }\n        }\n      }\n    }\n  }\n": typeof types.ActivityLogDocument,
    "\n  fragment MemberRow on Member {\n    id\n    name\n    email\n    phone\n    nickname\n    role\n    memberNumber\n    status\n    viewerCanEdit\n    primaryMember {\n      id\n      name\n    }\n    customAmount {\n      amount\n      currency\n    }\n  }\n": typeof types.MemberRowFragmentDoc,
    "\n  query Members($groupId: ID!, $status: MemberStatus, $search: String, $first: Int, $after: String) {\n    members(groupId: $groupId, status: $status, search: $search, first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        cursor\n        node {\n          ...MemberRow\n        }\n      }\n    }\n  }\n": typeof types.MembersDocument,
    "\n  subscription MemberChanged($groupId: ID!) {\n    memberChanged(groupId: $groupId) {\n      groupId\n      action\n      member {\n        ...MemberRow\n      }\n    }\n  }\n": typeof types.MemberChangedDocument,
    "\n  mutation AddMember($input: AddMemberInput!) {\n    addMember(input: $input) {\n      member {\n        ...MemberRow\n      }\n      pendingApproval\n      approval {\n        id\n        status\n      }\n    }\n  }\n": typeof types.AddMemberDocument,
    "\n  mutation UpdateMember($id: ID!, $input: UpdateMemberInput!) {\n    updateMember(id: $id, input: $input) {\n      member {\n        ...MemberRow\n      }\n      pendingApproval\n      approval {\n        id\n        status\n      }\n    }\n  }\n": typeof types.UpdateMemberDocument,
    "\n  mutation RemoveMember($id: ID!) {\n    removeMember(id: $id) {\n      member {\n        ...MemberRow\n      }\n      pendingApproval\n      approval {\n        id\n        status\n      }\n    }\n  }\n": typeof types.RemoveMemberDocument,
    "\n  query MemberName($id: ID!) {\n    member(id: $id) {\n      id\n      name\n      memberNumber\n    }\n  }\n": typeof types.MemberNameDocument,
    "\n  fragment SponsorFields on Sponsor {\n    id\n    name\n    contactEmail\n    contactPhone\n    notes\n  }\n": typeof types.SponsorFieldsFragmentDoc,
    "\n  fragment SponsorLinkFields on SponsorLink {\n    id\n    url\n    status\n    purpose\n    upiId\n    expiresAt\n    paidAt\n    createdAt\n    amount {\n      amount\n      currency\n    }\n    sponsor {\n      id\n      name\n    }\n    bankDetails {\n      accountName\n      accountNumberMasked\n      ifsc\n      bankName\n    }\n    transaction {\n      id\n      receiptNumber\n    }\n  }\n": typeof types.SponsorLinkFieldsFragmentDoc,
    "\n  query Sponsors($groupId: ID!, $first: Int, $after: String) {\n    sponsors(groupId: $groupId, first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        node {\n          ...SponsorFields\n        }\n      }\n    }\n  }\n": typeof types.SponsorsDocument,
    "\n  query SponsorLinks($groupId: ID!, $first: Int, $after: String) {\n    sponsorLinks(groupId: $groupId, first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        node {\n          ...SponsorLinkFields\n        }\n      }\n    }\n  }\n": typeof types.SponsorLinksDocument,
    "\n  mutation CreateSponsor($input: CreateSponsorInput!) {\n    createSponsor(input: $input) {\n      ...SponsorFields\n    }\n  }\n": typeof types.CreateSponsorDocument,
    "\n  mutation UpdateSponsor($id: ID!, $input: UpdateSponsorInput!) {\n    updateSponsor(id: $id, input: $input) {\n      ...SponsorFields\n    }\n  }\n": typeof types.UpdateSponsorDocument,
    "\n  mutation DeleteSponsor($id: ID!) {\n    deleteSponsor(id: $id) {\n      id\n      deletedAt\n    }\n  }\n": typeof types.DeleteSponsorDocument,
    "\n  mutation CreateSponsorLink($input: CreateSponsorLinkInput!) {\n    createSponsorLink(input: $input) {\n      ...SponsorLinkFields\n    }\n  }\n": typeof types.CreateSponsorLinkDocument,
    "\n  mutation DeactivateSponsorLink($id: ID!) {\n    deactivateSponsorLink(id: $id) {\n      ...SponsorLinkFields\n    }\n  }\n": typeof types.DeactivateSponsorLinkDocument,
    "\n  fragment TransactionRow on Transaction {\n    id\n    type\n    category\n    amount {\n      amount\n      currency\n    }\n    groupAmount {\n      amount\n      currency\n    }\n    paymentMode\n    description\n    senderName\n    senderUpiId\n    approvalStatus\n    approvalSource\n    receiptNumber\n    occurredAt\n    member {\n      id\n      name\n      memberNumber\n    }\n    reverses {\n      id\n      receiptNumber\n      occurredAt\n    }\n    reversedBy {\n      id\n      occurredAt\n    }\n    viewerCanChange\n  }\n": typeof types.TransactionRowFragmentDoc,
    "\n  query Transactions(\n    $groupId: ID!\n    $type: TransactionType\n    $category: TransactionCategory\n    $approvalStatus: ApprovalStatus\n    $first: Int\n    $after: String\n  ) {\n    transactions(\n      groupId: $groupId\n      type: $type\n      category: $category\n      approvalStatus: $approvalStatus\n      first: $first\n      after: $after\n    ) {\n      totalCount\n      totals {\n        cashIn {\n          amount\n          currency\n        }\n        cashOut {\n          amount\n          currency\n        }\n        net {\n          amount\n          currency\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        cursor\n        node {\n          ...TransactionRow\n        }\n      }\n    }\n  }\n": typeof types.TransactionsDocument,
    "\n  query GroupBalance($groupId: ID!) {\n    groupBalance(groupId: $groupId) {\n      cashPosition {\n        amount\n        currency\n      }\n    }\n  }\n": typeof types.GroupBalanceDocument,
    "\n  mutation RecordTransaction($input: RecordTransactionInput!) {\n    recordTransaction(input: $input) {\n      pendingApproval\n      replayed\n      transaction {\n        ...TransactionRow\n      }\n      approval {\n        id\n        status\n      }\n    }\n  }\n": typeof types.RecordTransactionDocument,
    "\n  subscription TransactionEvents($groupId: ID!) {\n    transactionEvents(groupId: $groupId) {\n      action\n      transaction {\n        ...TransactionRow\n      }\n    }\n  }\n": typeof types.TransactionEventsDocument,
    "\n  mutation UpdateTransaction($id: ID!, $input: UpdateTransactionInput!) {\n    updateTransaction(id: $id, input: $input) {\n      pendingApproval\n      transaction {\n        ...TransactionRow\n      }\n      approval {\n        id\n        status\n      }\n    }\n  }\n": typeof types.UpdateTransactionDocument,
    "\n  mutation DeleteTransaction($id: ID!) {\n    deleteTransaction(id: $id) {\n      pendingApproval\n      transaction {\n        ...TransactionRow\n      }\n      approval {\n        id\n        status\n      }\n    }\n  }\n": typeof types.DeleteTransactionDocument,
    "\n  query MemberOptions($groupId: ID!, $search: String, $first: Int) {\n    members(groupId: $groupId, status: ACTIVE, search: $search, first: $first) {\n      totalCount\n      edges {\n        node {\n          id\n          name\n          memberNumber\n        }\n      }\n    }\n  }\n": typeof types.MemberOptionsDocument,
    "\n  mutation SignIn($email: String!, $password: String!) {\n    signIn(email: $email, password: $password) {\n      accessToken\n      expiresAt\n      user {\n        id\n        email\n        name\n        mustChangePassword\n      }\n    }\n  }\n": typeof types.SignInDocument,
};
const documents: Documents = {
    "\n  mutation ChangePassword($currentPassword: String!, $newPassword: String!) {\n    changePassword(currentPassword: $currentPassword, newPassword: $newPassword) {\n      id\n      mustChangePassword\n    }\n  }\n": types.ChangePasswordDocument,
    "\n  query MyAccount {\n    me {\n      profile {\n        id\n        name\n        email\n        phone\n        language\n        displayCurrency\n        notificationPreferences {\n          channel\n          enabled\n        }\n      }\n    }\n    profileOptions {\n      languages\n      displayCurrencies\n      channels\n    }\n    consents {\n      type\n      granted\n      createdAt\n    }\n  }\n": types.MyAccountDocument,
    "\n  mutation UpdateMyProfile($input: UpdateProfileInput!) {\n    updateMyProfile(input: $input) {\n      id\n      name\n      email\n      phone\n      language\n      displayCurrency\n      notificationPreferences {\n        channel\n        enabled\n      }\n    }\n  }\n": types.UpdateMyProfileDocument,
    "\n  mutation SetConsent($type: ConsentType!, $granted: Boolean!) {\n    setConsent(type: $type, granted: $granted) {\n      type\n      granted\n      createdAt\n    }\n  }\n": types.SetConsentDocument,
    "\n  mutation ExportMyData {\n    exportMyData {\n      id\n      createdAt\n      json\n    }\n  }\n": types.ExportMyDataDocument,
    "\n  mutation DeleteMyAccount($confirmation: String!) {\n    deleteMyAccount(confirmation: $confirmation) {\n      erasureRequestId\n      retainFinancialUntil\n    }\n  }\n": types.DeleteMyAccountDocument,
    "\n  fragment ApiKeyFields on ApiKey {\n    id\n    name\n    prefix\n    role\n    createdAt\n    lastUsedAt\n    revokedAt\n  }\n": types.ApiKeyFieldsFragmentDoc,
    "\n  query ApiKeys($groupId: ID!) {\n    apiKeys(groupId: $groupId) {\n      ...ApiKeyFields\n    }\n  }\n": types.ApiKeysDocument,
    "\n  mutation CreateApiKey($groupId: ID!, $name: String!, $role: Role!) {\n    createApiKey(groupId: $groupId, name: $name, role: $role) {\n      secret\n      apiKey {\n        ...ApiKeyFields\n      }\n    }\n  }\n": types.CreateApiKeyDocument,
    "\n  mutation RevokeApiKey($id: ID!) {\n    revokeApiKey(id: $id) {\n      ...ApiKeyFields\n    }\n  }\n": types.RevokeApiKeyDocument,
    "\n  fragment ApprovalCard on ApprovalRequest {\n    id\n    entityType\n    action\n    status\n    targetId\n    proposedData\n    previousData\n    notes\n    createdAt\n    decidedAt\n    decisionNotes\n    requestedBy {\n      kind\n      id\n      name\n    }\n    decidedBy {\n      kind\n      name\n    }\n    viewerCanApprove\n    viewerCanReject\n    viewerCanCancel\n  }\n": types.ApprovalCardFragmentDoc,
    "\n  query Approvals($groupId: ID!, $status: ApprovalRequestStatus, $first: Int, $after: String) {\n    approvals(groupId: $groupId, status: $status, first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        cursor\n        node {\n          ...ApprovalCard\n        }\n      }\n    }\n  }\n": types.ApprovalsDocument,
    "\n  query PendingApprovalCount($groupId: ID!) {\n    pendingApprovalCount(groupId: $groupId)\n  }\n": types.PendingApprovalCountDocument,
    "\n  subscription ApprovalEvents($groupId: ID!) {\n    approvalEvents(groupId: $groupId) {\n      type\n      pendingCount\n      approval {\n        ...ApprovalCard\n      }\n    }\n  }\n": types.ApprovalEventsDocument,
    "\n  mutation Approve($id: ID!, $notes: String) {\n    approve(id: $id, notes: $notes) {\n      ...ApprovalCard\n    }\n  }\n": types.ApproveDocument,
    "\n  mutation Reject($id: ID!, $notes: String) {\n    reject(id: $id, notes: $notes) {\n      ...ApprovalCard\n    }\n  }\n": types.RejectDocument,
    "\n  mutation CancelApproval($id: ID!) {\n    cancelApproval(id: $id) {\n      ...ApprovalCard\n    }\n  }\n": types.CancelApprovalDocument,
    "\n  query Dashboard($groupId: ID!) {\n    dashboard(groupId: $groupId) {\n      groupId\n      currency\n      from\n      to\n      members {\n        total\n        active\n      }\n      income {\n        amount\n        currency\n      }\n      expenses {\n        amount\n        currency\n      }\n      balance {\n        amount\n        currency\n      }\n      pendingApprovals\n      monthly {\n        month\n        income {\n          amount\n          currency\n        }\n        expenses {\n          amount\n          currency\n        }\n      }\n      recentActivity {\n        id\n        action\n        entityType\n        entityId\n        createdAt\n        actor {\n          kind\n          name\n        }\n      }\n      recentAudit {\n        id\n        action\n        entityType\n        entityId\n        createdAt\n        actor {\n          kind\n          name\n        }\n      }\n    }\n  }\n": types.DashboardDocument,
    "\n  query BillingPeriods($groupId: ID!, $first: Int) {\n    billingPeriods(groupId: $groupId, first: $first) {\n      totalCount\n      edges {\n        node {\n          id\n          label\n          periodStart\n          periodEnd\n          dueDate\n          status\n          total {\n            amount\n            currency\n          }\n        }\n      }\n    }\n  }\n": types.BillingPeriodsDocument,
    "\n  fragment DueRow on Due {\n    id\n    status\n    dueDate\n    amount {\n      amount\n      currency\n    }\n    member {\n      id\n      name\n      memberNumber\n    }\n    period {\n      id\n      label\n    }\n    memberConfirmedAt\n    paidAt\n    waivedReason\n    decisionNotes\n    iHavePaidLink\n    viewerCanDecide\n    paidTransaction {\n      id\n      receiptNumber\n    }\n  }\n": types.DueRowFragmentDoc,
    "\n  query Dues($groupId: ID!, $periodId: ID, $status: DueStatus, $first: Int) {\n    dues(groupId: $groupId, periodId: $periodId, status: $status, first: $first) {\n      totalCount\n      edges {\n        node {\n          ...DueRow\n        }\n      }\n    }\n  }\n": types.DuesDocument,
    "\n  mutation CreateBillingPeriod($input: CreateBillingPeriodInput!) {\n    createBillingPeriod(input: $input) {\n      dueCount\n      period {\n        id\n        label\n      }\n    }\n  }\n": types.CreateBillingPeriodDocument,
    "\n  mutation ConfirmPayment($dueId: ID!, $action: PaymentDecision!, $notes: String) {\n    confirmPayment(dueId: $dueId, action: $action, notes: $notes) {\n      due {\n        ...DueRow\n      }\n      transaction {\n        id\n        receiptNumber\n      }\n    }\n  }\n": types.ConfirmPaymentDocument,
    "\n  mutation WaiveDue($dueId: ID!, $reason: String!) {\n    waiveDue(dueId: $dueId, reason: $reason) {\n      ...DueRow\n    }\n  }\n": types.WaiveDueDocument,
    "\n  subscription DueEvents($groupId: ID!) {\n    dueEvents(groupId: $groupId) {\n      change\n      periodId\n      due {\n        ...DueRow\n      }\n    }\n  }\n": types.DueEventsDocument,
    "\n  fragment MembershipTermRow on MembershipTerm {\n    id\n    type\n    status\n    startsOn\n    endsOn\n    paidAt\n    amount {\n      amount\n      currency\n    }\n    member {\n      id\n      name\n      memberNumber\n    }\n    paidTransaction {\n      id\n      receiptNumber\n    }\n  }\n": types.MembershipTermRowFragmentDoc,
    "\n  query MembershipTerms($groupId: ID!, $status: MembershipTermStatus, $first: Int) {\n    membershipTerms(groupId: $groupId, status: $status, first: $first) {\n      totalCount\n      edges {\n        node {\n          ...MembershipTermRow\n        }\n      }\n    }\n  }\n": types.MembershipTermsDocument,
    "\n  mutation CreateMembershipTerm($input: CreateMembershipTermInput!) {\n    createMembershipTerm(input: $input) {\n      pendingApproval\n      term {\n        ...MembershipTermRow\n      }\n    }\n  }\n": types.CreateMembershipTermDocument,
    "\n  query Groups($first: Int) {\n    groups(first: $first) {\n      totalCount\n      edges {\n        node {\n          id\n          name\n          kind\n          currency\n          status\n          viewerRole\n          memberCount\n          unpaidCount\n          nextBillingDate\n        }\n      }\n    }\n  }\n": types.GroupsDocument,
    "\n  query Group($id: ID!) {\n    group(id: $id) {\n      id\n      name\n      kind\n      service\n      currency\n      status\n      memberNumberPrefix\n      viewerRole\n      memberCount\n      unpaidCount\n      nextBillingDate\n    }\n  }\n": types.GroupDocument,
    "\n  mutation CreateGroup($input: CreateGroupInput!) {\n    createGroup(input: $input) {\n      id\n      name\n    }\n  }\n": types.CreateGroupDocument,
    "\n  query AuditLog($groupId: ID!, $first: Int, $after: String) {\n    auditLog(groupId: $groupId, first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        cursor\n        node {\n          id\n          action\n          entityType\n          entityId\n          createdAt\n          previousData\n          newData\n          actor {\n            kind\n            name\n          }\n        }\n      }\n    }\n  }\n": types.AuditLogDocument,
    "\n  query ActivityLog($groupId: ID!, $first: Int, $after: String) {\n    activityLog(groupId: $groupId, first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        cursor\n        node {\n          id\n          action\n          entityType\n          entityId\n          createdAt\n          before\n          after\n          actor {\n            kind\n            name\n          }\n        }\n      }\n    }\n  }\n": types.ActivityLogDocument,
    "\n  fragment MemberRow on Member {\n    id\n    name\n    email\n    phone\n    nickname\n    role\n    memberNumber\n    status\n    viewerCanEdit\n    primaryMember {\n      id\n      name\n    }\n    customAmount {\n      amount\n      currency\n    }\n  }\n": types.MemberRowFragmentDoc,
    "\n  query Members($groupId: ID!, $status: MemberStatus, $search: String, $first: Int, $after: String) {\n    members(groupId: $groupId, status: $status, search: $search, first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        cursor\n        node {\n          ...MemberRow\n        }\n      }\n    }\n  }\n": types.MembersDocument,
    "\n  subscription MemberChanged($groupId: ID!) {\n    memberChanged(groupId: $groupId) {\n      groupId\n      action\n      member {\n        ...MemberRow\n      }\n    }\n  }\n": types.MemberChangedDocument,
    "\n  mutation AddMember($input: AddMemberInput!) {\n    addMember(input: $input) {\n      member {\n        ...MemberRow\n      }\n      pendingApproval\n      approval {\n        id\n        status\n      }\n    }\n  }\n": types.AddMemberDocument,
    "\n  mutation UpdateMember($id: ID!, $input: UpdateMemberInput!) {\n    updateMember(id: $id, input: $input) {\n      member {\n        ...MemberRow\n      }\n      pendingApproval\n      approval {\n        id\n        status\n      }\n    }\n  }\n": types.UpdateMemberDocument,
    "\n  mutation RemoveMember($id: ID!) {\n    removeMember(id: $id) {\n      member {\n        ...MemberRow\n      }\n      pendingApproval\n      approval {\n        id\n        status\n      }\n    }\n  }\n": types.RemoveMemberDocument,
    "\n  query MemberName($id: ID!) {\n    member(id: $id) {\n      id\n      name\n      memberNumber\n    }\n  }\n": types.MemberNameDocument,
    "\n  fragment SponsorFields on Sponsor {\n    id\n    name\n    contactEmail\n    contactPhone\n    notes\n  }\n": types.SponsorFieldsFragmentDoc,
    "\n  fragment SponsorLinkFields on SponsorLink {\n    id\n    url\n    status\n    purpose\n    upiId\n    expiresAt\n    paidAt\n    createdAt\n    amount {\n      amount\n      currency\n    }\n    sponsor {\n      id\n      name\n    }\n    bankDetails {\n      accountName\n      accountNumberMasked\n      ifsc\n      bankName\n    }\n    transaction {\n      id\n      receiptNumber\n    }\n  }\n": types.SponsorLinkFieldsFragmentDoc,
    "\n  query Sponsors($groupId: ID!, $first: Int, $after: String) {\n    sponsors(groupId: $groupId, first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        node {\n          ...SponsorFields\n        }\n      }\n    }\n  }\n": types.SponsorsDocument,
    "\n  query SponsorLinks($groupId: ID!, $first: Int, $after: String) {\n    sponsorLinks(groupId: $groupId, first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        node {\n          ...SponsorLinkFields\n        }\n      }\n    }\n  }\n": types.SponsorLinksDocument,
    "\n  mutation CreateSponsor($input: CreateSponsorInput!) {\n    createSponsor(input: $input) {\n      ...SponsorFields\n    }\n  }\n": types.CreateSponsorDocument,
    "\n  mutation UpdateSponsor($id: ID!, $input: UpdateSponsorInput!) {\n    updateSponsor(id: $id, input: $input) {\n      ...SponsorFields\n    }\n  }\n": types.UpdateSponsorDocument,
    "\n  mutation DeleteSponsor($id: ID!) {\n    deleteSponsor(id: $id) {\n      id\n      deletedAt\n    }\n  }\n": types.DeleteSponsorDocument,
    "\n  mutation CreateSponsorLink($input: CreateSponsorLinkInput!) {\n    createSponsorLink(input: $input) {\n      ...SponsorLinkFields\n    }\n  }\n": types.CreateSponsorLinkDocument,
    "\n  mutation DeactivateSponsorLink($id: ID!) {\n    deactivateSponsorLink(id: $id) {\n      ...SponsorLinkFields\n    }\n  }\n": types.DeactivateSponsorLinkDocument,
    "\n  fragment TransactionRow on Transaction {\n    id\n    type\n    category\n    amount {\n      amount\n      currency\n    }\n    groupAmount {\n      amount\n      currency\n    }\n    paymentMode\n    description\n    senderName\n    senderUpiId\n    approvalStatus\n    approvalSource\n    receiptNumber\n    occurredAt\n    member {\n      id\n      name\n      memberNumber\n    }\n    reverses {\n      id\n      receiptNumber\n      occurredAt\n    }\n    reversedBy {\n      id\n      occurredAt\n    }\n    viewerCanChange\n  }\n": types.TransactionRowFragmentDoc,
    "\n  query Transactions(\n    $groupId: ID!\n    $type: TransactionType\n    $category: TransactionCategory\n    $approvalStatus: ApprovalStatus\n    $first: Int\n    $after: String\n  ) {\n    transactions(\n      groupId: $groupId\n      type: $type\n      category: $category\n      approvalStatus: $approvalStatus\n      first: $first\n      after: $after\n    ) {\n      totalCount\n      totals {\n        cashIn {\n          amount\n          currency\n        }\n        cashOut {\n          amount\n          currency\n        }\n        net {\n          amount\n          currency\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        cursor\n        node {\n          ...TransactionRow\n        }\n      }\n    }\n  }\n": types.TransactionsDocument,
    "\n  query GroupBalance($groupId: ID!) {\n    groupBalance(groupId: $groupId) {\n      cashPosition {\n        amount\n        currency\n      }\n    }\n  }\n": types.GroupBalanceDocument,
    "\n  mutation RecordTransaction($input: RecordTransactionInput!) {\n    recordTransaction(input: $input) {\n      pendingApproval\n      replayed\n      transaction {\n        ...TransactionRow\n      }\n      approval {\n        id\n        status\n      }\n    }\n  }\n": types.RecordTransactionDocument,
    "\n  subscription TransactionEvents($groupId: ID!) {\n    transactionEvents(groupId: $groupId) {\n      action\n      transaction {\n        ...TransactionRow\n      }\n    }\n  }\n": types.TransactionEventsDocument,
    "\n  mutation UpdateTransaction($id: ID!, $input: UpdateTransactionInput!) {\n    updateTransaction(id: $id, input: $input) {\n      pendingApproval\n      transaction {\n        ...TransactionRow\n      }\n      approval {\n        id\n        status\n      }\n    }\n  }\n": types.UpdateTransactionDocument,
    "\n  mutation DeleteTransaction($id: ID!) {\n    deleteTransaction(id: $id) {\n      pendingApproval\n      transaction {\n        ...TransactionRow\n      }\n      approval {\n        id\n        status\n      }\n    }\n  }\n": types.DeleteTransactionDocument,
    "\n  query MemberOptions($groupId: ID!, $search: String, $first: Int) {\n    members(groupId: $groupId, status: ACTIVE, search: $search, first: $first) {\n      totalCount\n      edges {\n        node {\n          id\n          name\n          memberNumber\n        }\n      }\n    }\n  }\n": types.MemberOptionsDocument,
    "\n  mutation SignIn($email: String!, $password: String!) {\n    signIn(email: $email, password: $password) {\n      accessToken\n      expiresAt\n      user {\n        id\n        email\n        name\n        mustChangePassword\n      }\n    }\n  }\n": types.SignInDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ChangePassword($currentPassword: String!, $newPassword: String!) {\n    changePassword(currentPassword: $currentPassword, newPassword: $newPassword) {\n      id\n      mustChangePassword\n    }\n  }\n"): (typeof documents)["\n  mutation ChangePassword($currentPassword: String!, $newPassword: String!) {\n    changePassword(currentPassword: $currentPassword, newPassword: $newPassword) {\n      id\n      mustChangePassword\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query MyAccount {\n    me {\n      profile {\n        id\n        name\n        email\n        phone\n        language\n        displayCurrency\n        notificationPreferences {\n          channel\n          enabled\n        }\n      }\n    }\n    profileOptions {\n      languages\n      displayCurrencies\n      channels\n    }\n    consents {\n      type\n      granted\n      createdAt\n    }\n  }\n"): (typeof documents)["\n  query MyAccount {\n    me {\n      profile {\n        id\n        name\n        email\n        phone\n        language\n        displayCurrency\n        notificationPreferences {\n          channel\n          enabled\n        }\n      }\n    }\n    profileOptions {\n      languages\n      displayCurrencies\n      channels\n    }\n    consents {\n      type\n      granted\n      createdAt\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UpdateMyProfile($input: UpdateProfileInput!) {\n    updateMyProfile(input: $input) {\n      id\n      name\n      email\n      phone\n      language\n      displayCurrency\n      notificationPreferences {\n        channel\n        enabled\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation UpdateMyProfile($input: UpdateProfileInput!) {\n    updateMyProfile(input: $input) {\n      id\n      name\n      email\n      phone\n      language\n      displayCurrency\n      notificationPreferences {\n        channel\n        enabled\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SetConsent($type: ConsentType!, $granted: Boolean!) {\n    setConsent(type: $type, granted: $granted) {\n      type\n      granted\n      createdAt\n    }\n  }\n"): (typeof documents)["\n  mutation SetConsent($type: ConsentType!, $granted: Boolean!) {\n    setConsent(type: $type, granted: $granted) {\n      type\n      granted\n      createdAt\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ExportMyData {\n    exportMyData {\n      id\n      createdAt\n      json\n    }\n  }\n"): (typeof documents)["\n  mutation ExportMyData {\n    exportMyData {\n      id\n      createdAt\n      json\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DeleteMyAccount($confirmation: String!) {\n    deleteMyAccount(confirmation: $confirmation) {\n      erasureRequestId\n      retainFinancialUntil\n    }\n  }\n"): (typeof documents)["\n  mutation DeleteMyAccount($confirmation: String!) {\n    deleteMyAccount(confirmation: $confirmation) {\n      erasureRequestId\n      retainFinancialUntil\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment ApiKeyFields on ApiKey {\n    id\n    name\n    prefix\n    role\n    createdAt\n    lastUsedAt\n    revokedAt\n  }\n"): (typeof documents)["\n  fragment ApiKeyFields on ApiKey {\n    id\n    name\n    prefix\n    role\n    createdAt\n    lastUsedAt\n    revokedAt\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ApiKeys($groupId: ID!) {\n    apiKeys(groupId: $groupId) {\n      ...ApiKeyFields\n    }\n  }\n"): (typeof documents)["\n  query ApiKeys($groupId: ID!) {\n    apiKeys(groupId: $groupId) {\n      ...ApiKeyFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateApiKey($groupId: ID!, $name: String!, $role: Role!) {\n    createApiKey(groupId: $groupId, name: $name, role: $role) {\n      secret\n      apiKey {\n        ...ApiKeyFields\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation CreateApiKey($groupId: ID!, $name: String!, $role: Role!) {\n    createApiKey(groupId: $groupId, name: $name, role: $role) {\n      secret\n      apiKey {\n        ...ApiKeyFields\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RevokeApiKey($id: ID!) {\n    revokeApiKey(id: $id) {\n      ...ApiKeyFields\n    }\n  }\n"): (typeof documents)["\n  mutation RevokeApiKey($id: ID!) {\n    revokeApiKey(id: $id) {\n      ...ApiKeyFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment ApprovalCard on ApprovalRequest {\n    id\n    entityType\n    action\n    status\n    targetId\n    proposedData\n    previousData\n    notes\n    createdAt\n    decidedAt\n    decisionNotes\n    requestedBy {\n      kind\n      id\n      name\n    }\n    decidedBy {\n      kind\n      name\n    }\n    viewerCanApprove\n    viewerCanReject\n    viewerCanCancel\n  }\n"): (typeof documents)["\n  fragment ApprovalCard on ApprovalRequest {\n    id\n    entityType\n    action\n    status\n    targetId\n    proposedData\n    previousData\n    notes\n    createdAt\n    decidedAt\n    decisionNotes\n    requestedBy {\n      kind\n      id\n      name\n    }\n    decidedBy {\n      kind\n      name\n    }\n    viewerCanApprove\n    viewerCanReject\n    viewerCanCancel\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Approvals($groupId: ID!, $status: ApprovalRequestStatus, $first: Int, $after: String) {\n    approvals(groupId: $groupId, status: $status, first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        cursor\n        node {\n          ...ApprovalCard\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query Approvals($groupId: ID!, $status: ApprovalRequestStatus, $first: Int, $after: String) {\n    approvals(groupId: $groupId, status: $status, first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        cursor\n        node {\n          ...ApprovalCard\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query PendingApprovalCount($groupId: ID!) {\n    pendingApprovalCount(groupId: $groupId)\n  }\n"): (typeof documents)["\n  query PendingApprovalCount($groupId: ID!) {\n    pendingApprovalCount(groupId: $groupId)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription ApprovalEvents($groupId: ID!) {\n    approvalEvents(groupId: $groupId) {\n      type\n      pendingCount\n      approval {\n        ...ApprovalCard\n      }\n    }\n  }\n"): (typeof documents)["\n  subscription ApprovalEvents($groupId: ID!) {\n    approvalEvents(groupId: $groupId) {\n      type\n      pendingCount\n      approval {\n        ...ApprovalCard\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation Approve($id: ID!, $notes: String) {\n    approve(id: $id, notes: $notes) {\n      ...ApprovalCard\n    }\n  }\n"): (typeof documents)["\n  mutation Approve($id: ID!, $notes: String) {\n    approve(id: $id, notes: $notes) {\n      ...ApprovalCard\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation Reject($id: ID!, $notes: String) {\n    reject(id: $id, notes: $notes) {\n      ...ApprovalCard\n    }\n  }\n"): (typeof documents)["\n  mutation Reject($id: ID!, $notes: String) {\n    reject(id: $id, notes: $notes) {\n      ...ApprovalCard\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CancelApproval($id: ID!) {\n    cancelApproval(id: $id) {\n      ...ApprovalCard\n    }\n  }\n"): (typeof documents)["\n  mutation CancelApproval($id: ID!) {\n    cancelApproval(id: $id) {\n      ...ApprovalCard\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Dashboard($groupId: ID!) {\n    dashboard(groupId: $groupId) {\n      groupId\n      currency\n      from\n      to\n      members {\n        total\n        active\n      }\n      income {\n        amount\n        currency\n      }\n      expenses {\n        amount\n        currency\n      }\n      balance {\n        amount\n        currency\n      }\n      pendingApprovals\n      monthly {\n        month\n        income {\n          amount\n          currency\n        }\n        expenses {\n          amount\n          currency\n        }\n      }\n      recentActivity {\n        id\n        action\n        entityType\n        entityId\n        createdAt\n        actor {\n          kind\n          name\n        }\n      }\n      recentAudit {\n        id\n        action\n        entityType\n        entityId\n        createdAt\n        actor {\n          kind\n          name\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query Dashboard($groupId: ID!) {\n    dashboard(groupId: $groupId) {\n      groupId\n      currency\n      from\n      to\n      members {\n        total\n        active\n      }\n      income {\n        amount\n        currency\n      }\n      expenses {\n        amount\n        currency\n      }\n      balance {\n        amount\n        currency\n      }\n      pendingApprovals\n      monthly {\n        month\n        income {\n          amount\n          currency\n        }\n        expenses {\n          amount\n          currency\n        }\n      }\n      recentActivity {\n        id\n        action\n        entityType\n        entityId\n        createdAt\n        actor {\n          kind\n          name\n        }\n      }\n      recentAudit {\n        id\n        action\n        entityType\n        entityId\n        createdAt\n        actor {\n          kind\n          name\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query BillingPeriods($groupId: ID!, $first: Int) {\n    billingPeriods(groupId: $groupId, first: $first) {\n      totalCount\n      edges {\n        node {\n          id\n          label\n          periodStart\n          periodEnd\n          dueDate\n          status\n          total {\n            amount\n            currency\n          }\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query BillingPeriods($groupId: ID!, $first: Int) {\n    billingPeriods(groupId: $groupId, first: $first) {\n      totalCount\n      edges {\n        node {\n          id\n          label\n          periodStart\n          periodEnd\n          dueDate\n          status\n          total {\n            amount\n            currency\n          }\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment DueRow on Due {\n    id\n    status\n    dueDate\n    amount {\n      amount\n      currency\n    }\n    member {\n      id\n      name\n      memberNumber\n    }\n    period {\n      id\n      label\n    }\n    memberConfirmedAt\n    paidAt\n    waivedReason\n    decisionNotes\n    iHavePaidLink\n    viewerCanDecide\n    paidTransaction {\n      id\n      receiptNumber\n    }\n  }\n"): (typeof documents)["\n  fragment DueRow on Due {\n    id\n    status\n    dueDate\n    amount {\n      amount\n      currency\n    }\n    member {\n      id\n      name\n      memberNumber\n    }\n    period {\n      id\n      label\n    }\n    memberConfirmedAt\n    paidAt\n    waivedReason\n    decisionNotes\n    iHavePaidLink\n    viewerCanDecide\n    paidTransaction {\n      id\n      receiptNumber\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Dues($groupId: ID!, $periodId: ID, $status: DueStatus, $first: Int) {\n    dues(groupId: $groupId, periodId: $periodId, status: $status, first: $first) {\n      totalCount\n      edges {\n        node {\n          ...DueRow\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query Dues($groupId: ID!, $periodId: ID, $status: DueStatus, $first: Int) {\n    dues(groupId: $groupId, periodId: $periodId, status: $status, first: $first) {\n      totalCount\n      edges {\n        node {\n          ...DueRow\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateBillingPeriod($input: CreateBillingPeriodInput!) {\n    createBillingPeriod(input: $input) {\n      dueCount\n      period {\n        id\n        label\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation CreateBillingPeriod($input: CreateBillingPeriodInput!) {\n    createBillingPeriod(input: $input) {\n      dueCount\n      period {\n        id\n        label\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ConfirmPayment($dueId: ID!, $action: PaymentDecision!, $notes: String) {\n    confirmPayment(dueId: $dueId, action: $action, notes: $notes) {\n      due {\n        ...DueRow\n      }\n      transaction {\n        id\n        receiptNumber\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation ConfirmPayment($dueId: ID!, $action: PaymentDecision!, $notes: String) {\n    confirmPayment(dueId: $dueId, action: $action, notes: $notes) {\n      due {\n        ...DueRow\n      }\n      transaction {\n        id\n        receiptNumber\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation WaiveDue($dueId: ID!, $reason: String!) {\n    waiveDue(dueId: $dueId, reason: $reason) {\n      ...DueRow\n    }\n  }\n"): (typeof documents)["\n  mutation WaiveDue($dueId: ID!, $reason: String!) {\n    waiveDue(dueId: $dueId, reason: $reason) {\n      ...DueRow\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription DueEvents($groupId: ID!) {\n    dueEvents(groupId: $groupId) {\n      change\n      periodId\n      due {\n        ...DueRow\n      }\n    }\n  }\n"): (typeof documents)["\n  subscription DueEvents($groupId: ID!) {\n    dueEvents(groupId: $groupId) {\n      change\n      periodId\n      due {\n        ...DueRow\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment MembershipTermRow on MembershipTerm {\n    id\n    type\n    status\n    startsOn\n    endsOn\n    paidAt\n    amount {\n      amount\n      currency\n    }\n    member {\n      id\n      name\n      memberNumber\n    }\n    paidTransaction {\n      id\n      receiptNumber\n    }\n  }\n"): (typeof documents)["\n  fragment MembershipTermRow on MembershipTerm {\n    id\n    type\n    status\n    startsOn\n    endsOn\n    paidAt\n    amount {\n      amount\n      currency\n    }\n    member {\n      id\n      name\n      memberNumber\n    }\n    paidTransaction {\n      id\n      receiptNumber\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query MembershipTerms($groupId: ID!, $status: MembershipTermStatus, $first: Int) {\n    membershipTerms(groupId: $groupId, status: $status, first: $first) {\n      totalCount\n      edges {\n        node {\n          ...MembershipTermRow\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query MembershipTerms($groupId: ID!, $status: MembershipTermStatus, $first: Int) {\n    membershipTerms(groupId: $groupId, status: $status, first: $first) {\n      totalCount\n      edges {\n        node {\n          ...MembershipTermRow\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateMembershipTerm($input: CreateMembershipTermInput!) {\n    createMembershipTerm(input: $input) {\n      pendingApproval\n      term {\n        ...MembershipTermRow\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation CreateMembershipTerm($input: CreateMembershipTermInput!) {\n    createMembershipTerm(input: $input) {\n      pendingApproval\n      term {\n        ...MembershipTermRow\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Groups($first: Int) {\n    groups(first: $first) {\n      totalCount\n      edges {\n        node {\n          id\n          name\n          kind\n          currency\n          status\n          viewerRole\n          memberCount\n          unpaidCount\n          nextBillingDate\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query Groups($first: Int) {\n    groups(first: $first) {\n      totalCount\n      edges {\n        node {\n          id\n          name\n          kind\n          currency\n          status\n          viewerRole\n          memberCount\n          unpaidCount\n          nextBillingDate\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Group($id: ID!) {\n    group(id: $id) {\n      id\n      name\n      kind\n      service\n      currency\n      status\n      memberNumberPrefix\n      viewerRole\n      memberCount\n      unpaidCount\n      nextBillingDate\n    }\n  }\n"): (typeof documents)["\n  query Group($id: ID!) {\n    group(id: $id) {\n      id\n      name\n      kind\n      service\n      currency\n      status\n      memberNumberPrefix\n      viewerRole\n      memberCount\n      unpaidCount\n      nextBillingDate\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateGroup($input: CreateGroupInput!) {\n    createGroup(input: $input) {\n      id\n      name\n    }\n  }\n"): (typeof documents)["\n  mutation CreateGroup($input: CreateGroupInput!) {\n    createGroup(input: $input) {\n      id\n      name\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AuditLog($groupId: ID!, $first: Int, $after: String) {\n    auditLog(groupId: $groupId, first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        cursor\n        node {\n          id\n          action\n          entityType\n          entityId\n          createdAt\n          previousData\n          newData\n          actor {\n            kind\n            name\n          }\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query AuditLog($groupId: ID!, $first: Int, $after: String) {\n    auditLog(groupId: $groupId, first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        cursor\n        node {\n          id\n          action\n          entityType\n          entityId\n          createdAt\n          previousData\n          newData\n          actor {\n            kind\n            name\n          }\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ActivityLog($groupId: ID!, $first: Int, $after: String) {\n    activityLog(groupId: $groupId, first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        cursor\n        node {\n          id\n          action\n          entityType\n          entityId\n          createdAt\n          before\n          after\n          actor {\n            kind\n            name\n          }\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query ActivityLog($groupId: ID!, $first: Int, $after: String) {\n    activityLog(groupId: $groupId, first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        cursor\n        node {\n          id\n          action\n          entityType\n          entityId\n          createdAt\n          before\n          after\n          actor {\n            kind\n            name\n          }\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment MemberRow on Member {\n    id\n    name\n    email\n    phone\n    nickname\n    role\n    memberNumber\n    status\n    viewerCanEdit\n    primaryMember {\n      id\n      name\n    }\n    customAmount {\n      amount\n      currency\n    }\n  }\n"): (typeof documents)["\n  fragment MemberRow on Member {\n    id\n    name\n    email\n    phone\n    nickname\n    role\n    memberNumber\n    status\n    viewerCanEdit\n    primaryMember {\n      id\n      name\n    }\n    customAmount {\n      amount\n      currency\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Members($groupId: ID!, $status: MemberStatus, $search: String, $first: Int, $after: String) {\n    members(groupId: $groupId, status: $status, search: $search, first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        cursor\n        node {\n          ...MemberRow\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query Members($groupId: ID!, $status: MemberStatus, $search: String, $first: Int, $after: String) {\n    members(groupId: $groupId, status: $status, search: $search, first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        cursor\n        node {\n          ...MemberRow\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription MemberChanged($groupId: ID!) {\n    memberChanged(groupId: $groupId) {\n      groupId\n      action\n      member {\n        ...MemberRow\n      }\n    }\n  }\n"): (typeof documents)["\n  subscription MemberChanged($groupId: ID!) {\n    memberChanged(groupId: $groupId) {\n      groupId\n      action\n      member {\n        ...MemberRow\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AddMember($input: AddMemberInput!) {\n    addMember(input: $input) {\n      member {\n        ...MemberRow\n      }\n      pendingApproval\n      approval {\n        id\n        status\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation AddMember($input: AddMemberInput!) {\n    addMember(input: $input) {\n      member {\n        ...MemberRow\n      }\n      pendingApproval\n      approval {\n        id\n        status\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UpdateMember($id: ID!, $input: UpdateMemberInput!) {\n    updateMember(id: $id, input: $input) {\n      member {\n        ...MemberRow\n      }\n      pendingApproval\n      approval {\n        id\n        status\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation UpdateMember($id: ID!, $input: UpdateMemberInput!) {\n    updateMember(id: $id, input: $input) {\n      member {\n        ...MemberRow\n      }\n      pendingApproval\n      approval {\n        id\n        status\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RemoveMember($id: ID!) {\n    removeMember(id: $id) {\n      member {\n        ...MemberRow\n      }\n      pendingApproval\n      approval {\n        id\n        status\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation RemoveMember($id: ID!) {\n    removeMember(id: $id) {\n      member {\n        ...MemberRow\n      }\n      pendingApproval\n      approval {\n        id\n        status\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query MemberName($id: ID!) {\n    member(id: $id) {\n      id\n      name\n      memberNumber\n    }\n  }\n"): (typeof documents)["\n  query MemberName($id: ID!) {\n    member(id: $id) {\n      id\n      name\n      memberNumber\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment SponsorFields on Sponsor {\n    id\n    name\n    contactEmail\n    contactPhone\n    notes\n  }\n"): (typeof documents)["\n  fragment SponsorFields on Sponsor {\n    id\n    name\n    contactEmail\n    contactPhone\n    notes\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment SponsorLinkFields on SponsorLink {\n    id\n    url\n    status\n    purpose\n    upiId\n    expiresAt\n    paidAt\n    createdAt\n    amount {\n      amount\n      currency\n    }\n    sponsor {\n      id\n      name\n    }\n    bankDetails {\n      accountName\n      accountNumberMasked\n      ifsc\n      bankName\n    }\n    transaction {\n      id\n      receiptNumber\n    }\n  }\n"): (typeof documents)["\n  fragment SponsorLinkFields on SponsorLink {\n    id\n    url\n    status\n    purpose\n    upiId\n    expiresAt\n    paidAt\n    createdAt\n    amount {\n      amount\n      currency\n    }\n    sponsor {\n      id\n      name\n    }\n    bankDetails {\n      accountName\n      accountNumberMasked\n      ifsc\n      bankName\n    }\n    transaction {\n      id\n      receiptNumber\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Sponsors($groupId: ID!, $first: Int, $after: String) {\n    sponsors(groupId: $groupId, first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        node {\n          ...SponsorFields\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query Sponsors($groupId: ID!, $first: Int, $after: String) {\n    sponsors(groupId: $groupId, first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        node {\n          ...SponsorFields\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query SponsorLinks($groupId: ID!, $first: Int, $after: String) {\n    sponsorLinks(groupId: $groupId, first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        node {\n          ...SponsorLinkFields\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query SponsorLinks($groupId: ID!, $first: Int, $after: String) {\n    sponsorLinks(groupId: $groupId, first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        node {\n          ...SponsorLinkFields\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateSponsor($input: CreateSponsorInput!) {\n    createSponsor(input: $input) {\n      ...SponsorFields\n    }\n  }\n"): (typeof documents)["\n  mutation CreateSponsor($input: CreateSponsorInput!) {\n    createSponsor(input: $input) {\n      ...SponsorFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UpdateSponsor($id: ID!, $input: UpdateSponsorInput!) {\n    updateSponsor(id: $id, input: $input) {\n      ...SponsorFields\n    }\n  }\n"): (typeof documents)["\n  mutation UpdateSponsor($id: ID!, $input: UpdateSponsorInput!) {\n    updateSponsor(id: $id, input: $input) {\n      ...SponsorFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DeleteSponsor($id: ID!) {\n    deleteSponsor(id: $id) {\n      id\n      deletedAt\n    }\n  }\n"): (typeof documents)["\n  mutation DeleteSponsor($id: ID!) {\n    deleteSponsor(id: $id) {\n      id\n      deletedAt\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateSponsorLink($input: CreateSponsorLinkInput!) {\n    createSponsorLink(input: $input) {\n      ...SponsorLinkFields\n    }\n  }\n"): (typeof documents)["\n  mutation CreateSponsorLink($input: CreateSponsorLinkInput!) {\n    createSponsorLink(input: $input) {\n      ...SponsorLinkFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DeactivateSponsorLink($id: ID!) {\n    deactivateSponsorLink(id: $id) {\n      ...SponsorLinkFields\n    }\n  }\n"): (typeof documents)["\n  mutation DeactivateSponsorLink($id: ID!) {\n    deactivateSponsorLink(id: $id) {\n      ...SponsorLinkFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment TransactionRow on Transaction {\n    id\n    type\n    category\n    amount {\n      amount\n      currency\n    }\n    groupAmount {\n      amount\n      currency\n    }\n    paymentMode\n    description\n    senderName\n    senderUpiId\n    approvalStatus\n    approvalSource\n    receiptNumber\n    occurredAt\n    member {\n      id\n      name\n      memberNumber\n    }\n    reverses {\n      id\n      receiptNumber\n      occurredAt\n    }\n    reversedBy {\n      id\n      occurredAt\n    }\n    viewerCanChange\n  }\n"): (typeof documents)["\n  fragment TransactionRow on Transaction {\n    id\n    type\n    category\n    amount {\n      amount\n      currency\n    }\n    groupAmount {\n      amount\n      currency\n    }\n    paymentMode\n    description\n    senderName\n    senderUpiId\n    approvalStatus\n    approvalSource\n    receiptNumber\n    occurredAt\n    member {\n      id\n      name\n      memberNumber\n    }\n    reverses {\n      id\n      receiptNumber\n      occurredAt\n    }\n    reversedBy {\n      id\n      occurredAt\n    }\n    viewerCanChange\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Transactions(\n    $groupId: ID!\n    $type: TransactionType\n    $category: TransactionCategory\n    $approvalStatus: ApprovalStatus\n    $first: Int\n    $after: String\n  ) {\n    transactions(\n      groupId: $groupId\n      type: $type\n      category: $category\n      approvalStatus: $approvalStatus\n      first: $first\n      after: $after\n    ) {\n      totalCount\n      totals {\n        cashIn {\n          amount\n          currency\n        }\n        cashOut {\n          amount\n          currency\n        }\n        net {\n          amount\n          currency\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        cursor\n        node {\n          ...TransactionRow\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query Transactions(\n    $groupId: ID!\n    $type: TransactionType\n    $category: TransactionCategory\n    $approvalStatus: ApprovalStatus\n    $first: Int\n    $after: String\n  ) {\n    transactions(\n      groupId: $groupId\n      type: $type\n      category: $category\n      approvalStatus: $approvalStatus\n      first: $first\n      after: $after\n    ) {\n      totalCount\n      totals {\n        cashIn {\n          amount\n          currency\n        }\n        cashOut {\n          amount\n          currency\n        }\n        net {\n          amount\n          currency\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        cursor\n        node {\n          ...TransactionRow\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query GroupBalance($groupId: ID!) {\n    groupBalance(groupId: $groupId) {\n      cashPosition {\n        amount\n        currency\n      }\n    }\n  }\n"): (typeof documents)["\n  query GroupBalance($groupId: ID!) {\n    groupBalance(groupId: $groupId) {\n      cashPosition {\n        amount\n        currency\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RecordTransaction($input: RecordTransactionInput!) {\n    recordTransaction(input: $input) {\n      pendingApproval\n      replayed\n      transaction {\n        ...TransactionRow\n      }\n      approval {\n        id\n        status\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation RecordTransaction($input: RecordTransactionInput!) {\n    recordTransaction(input: $input) {\n      pendingApproval\n      replayed\n      transaction {\n        ...TransactionRow\n      }\n      approval {\n        id\n        status\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription TransactionEvents($groupId: ID!) {\n    transactionEvents(groupId: $groupId) {\n      action\n      transaction {\n        ...TransactionRow\n      }\n    }\n  }\n"): (typeof documents)["\n  subscription TransactionEvents($groupId: ID!) {\n    transactionEvents(groupId: $groupId) {\n      action\n      transaction {\n        ...TransactionRow\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UpdateTransaction($id: ID!, $input: UpdateTransactionInput!) {\n    updateTransaction(id: $id, input: $input) {\n      pendingApproval\n      transaction {\n        ...TransactionRow\n      }\n      approval {\n        id\n        status\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation UpdateTransaction($id: ID!, $input: UpdateTransactionInput!) {\n    updateTransaction(id: $id, input: $input) {\n      pendingApproval\n      transaction {\n        ...TransactionRow\n      }\n      approval {\n        id\n        status\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DeleteTransaction($id: ID!) {\n    deleteTransaction(id: $id) {\n      pendingApproval\n      transaction {\n        ...TransactionRow\n      }\n      approval {\n        id\n        status\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation DeleteTransaction($id: ID!) {\n    deleteTransaction(id: $id) {\n      pendingApproval\n      transaction {\n        ...TransactionRow\n      }\n      approval {\n        id\n        status\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query MemberOptions($groupId: ID!, $search: String, $first: Int) {\n    members(groupId: $groupId, status: ACTIVE, search: $search, first: $first) {\n      totalCount\n      edges {\n        node {\n          id\n          name\n          memberNumber\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query MemberOptions($groupId: ID!, $search: String, $first: Int) {\n    members(groupId: $groupId, status: ACTIVE, search: $search, first: $first) {\n      totalCount\n      edges {\n        node {\n          id\n          name\n          memberNumber\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SignIn($email: String!, $password: String!) {\n    signIn(email: $email, password: $password) {\n      accessToken\n      expiresAt\n      user {\n        id\n        email\n        name\n        mustChangePassword\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation SignIn($email: String!, $password: String!) {\n    signIn(email: $email, password: $password) {\n      accessToken\n      expiresAt\n      user {\n        id\n        email\n        name\n        mustChangePassword\n      }\n    }\n  }\n"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;