import { graphql } from '@/gql';

export const ReminderSchedulesQuery = graphql(`
  query ReminderSchedules($groupId: ID!) {
    reminderSchedules(groupId: $groupId) {
      id
      reminderType
      direction
      offsetDays
      channels
      status
    }
  }
`);

export const CreateReminderScheduleMutation = graphql(`
  mutation CreateReminderSchedule(
    $groupId: ID!
    $reminderType: ReminderType!
    $direction: ReminderDirection!
    $offsetDays: Int!
    $channels: [NotificationChannel!]!
  ) {
    createReminderSchedule(groupId: $groupId, reminderType: $reminderType, direction: $direction, offsetDays: $offsetDays, channels: $channels) {
      id
    }
  }
`);

export const UpdateReminderScheduleMutation = graphql(`
  mutation UpdateReminderSchedule($id: ID!, $input: UpdateReminderScheduleInput!) {
    updateReminderSchedule(id: $id, input: $input) {
      id
      status
    }
  }
`);

export const DeleteReminderScheduleMutation = graphql(`
  mutation DeleteReminderSchedule($id: ID!) {
    deleteReminderSchedule(id: $id)
  }
`);

export const NotificationLogQuery = graphql(`
  query NotificationLog($groupId: ID!, $status: NotificationStatus, $first: Int, $after: String) {
    notificationCounts(groupId: $groupId) {
      pending
      locked
      completed
      failed
      skipped
    }
    notificationTasks(groupId: $groupId, status: $status, first: $first, after: $after) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        node {
          id
          channel
          template
          recipient
          status
          attempts
          lastError
          nextRunAt
          createdAt
        }
      }
    }
  }
`);

export const RetryNotificationTaskMutation = graphql(`
  mutation RetryNotificationTask($id: ID!) {
    retryNotificationTask(id: $id) {
      id
      status
      attempts
      lastError
    }
  }
`);

export const OutboxQuery = graphql(`
  query Outbox($groupId: ID!, $first: Int, $after: String) {
    outboxMessages(groupId: $groupId, first: $first, after: $after) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        node {
          id
          recipient
          subject
          bodyText
          createdAt
        }
      }
    }
  }
`);

export const JobStatusQuery = graphql(`
  query JobStatus {
    jobStatus {
      name
      every
      runs
      failures
      lastStartedAt
      lastFinishedAt
      lastResult
      lastError
    }
  }
`);
