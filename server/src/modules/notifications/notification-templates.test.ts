import { testConfig } from '../../../test/support/test-server';
import { renderNotification } from './notification-templates';

const config = testConfig({ CONSOLE_PUBLIC_URL: 'https://console.example.org' });

describe('messages queued by dues and payments have templates', () => {
  it("due.member_confirmed tells the admins who says they paid what, with the approvals inbox's address", () => {
    const message = renderNotification('due.member_confirmed', { dueId: 'd1', groupId: 'g1', memberName: 'Ravi Kumar', period: 'May 2027', amountMinor: '120000', currency: 'INR' }, config);
    expect(message.subject).toBe('Ravi Kumar says they paid May 2027');
    expect(message.text).toContain('₹1,200.00');
    expect(message.link).toBe('https://console.example.org/groups/g1/approvals');
  });

  it('payment.flagged says which payment was not credited and why', () => {
    const message = renderNotification('payment.flagged', { flagId: 'f1', reason: 'AMOUNT_MISMATCH', provider: 'RAZORPAY', providerPaymentId: 'pay_123', details: 'expected 500.00 INR, received 400.00 INR' }, config);
    expect(message.subject).toBe('A RAZORPAY payment was not credited: amount mismatch');
    expect(message.text).toContain('pay_123');
    expect(message.text).toContain('expected 500.00 INR, received 400.00 INR');
  });

  it('reminder.due prints the amount in the currency and the due day as people read it, not as the database stores it', () => {
    const message = renderNotification('reminder.due', { name: 'Ravi', groupName: 'Sunrise Running Club', periodLabel: 'Season 2027', amountMinor: '12345678900', currency: 'INR', dueDate: '2027-03-31', dueId: 'd1' }, config);
    expect(message.subject).toBe('Reminder: ₹12,34,56,789.00 due 31 March 2027 to Sunrise Running Club');
    expect(message.text).toContain('(₹12,34,56,789.00) is due on 31 March 2027.');
    expect(message.whatsapp.parameters.slice(0, 4)).toEqual(['Ravi', 'Season 2027', '₹12,34,56,789.00', '31 March 2027']);
  });
});
