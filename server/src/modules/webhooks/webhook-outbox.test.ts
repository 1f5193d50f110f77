import { startTestServer, TestServer } from '../../../test/support/test-server';
import { createGroup } from '../../../test/support/factories';
import { enqueueIntegratorEvent } from './webhook-outbox';
import { IntegratorEventType } from './webhook.entities';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => t.close());

describe('enqueueIntegratorEvent', () => {
  it('writes in the caller\'s transaction at its flush, storing bigints and dates as JSON strings', async () => {
    const group = await createGroup(t);
    // Read inside the transaction: once committed, the worker drops an event no endpoint wants.
    await t.server.orm.em.fork().transactional(async (tx) => {
      const event = enqueueIntegratorEvent(tx, { groupId: group.id, type: IntegratorEventType.DUE_PAID, data: { due: { amountMinor: 12_345_678_901_234_567_890n, paidAt: new Date('2026-11-21T10:00:00Z') } } });
      expect(await tx.execute('select 1 from webhook_events where id = ?', [event.id])).toEqual([]);
      await tx.flush();
      expect(await tx.execute('select data, type from webhook_events where id = ?', [event.id])).toEqual([
        { type: 'due.paid', data: { due: { amountMinor: '12345678901234567890', paidAt: '2026-11-21T10:00:00.000Z' } } },
      ]);
    });
  });
});
