import type { MikroORM } from '@mikro-orm/postgresql';
import type { CofferConfig } from '../config';
import { User } from '../modules/auth/user.entity';
import { BillingCycle, BillingMode, GroupKind } from '../modules/groups/group.entity';
import { createGroup } from '../modules/groups/group.service';
import { addMember, addSubMember } from '../modules/members/member.service';
import { hashPassword } from '../shared/crypto';
import { LocalEventBus } from '../shared/event-bus';
import { createLoaders } from '../shared/loaders';
import { Role } from '../shared/roles';
import type { ServiceContext } from '../shared/service-context';

export interface DemoAccount {
  email: string;
  password: string;
  role: Role;
}

/** Fixed on purpose: the README and the console's browser test sign in with them. Never seeded in production. */
export const DEMO_ACCOUNTS: DemoAccount[] = [
  { email: 'admin@example.com', password: 'demo-admin-pass', role: Role.ADMIN },
  { email: 'operator@example.com', password: 'demo-operator-pass', role: Role.OPERATOR },
];

export const DEMO_GROUP_NAME = 'Sunrise Running Club';

/**
 * Seeds a demo group on an empty database (no users yet) and returns the
 * accounts created, or null when the database already had data. Runs under
 * an advisory lock so two replicas starting together seed once.
 */
export async function seedDemo(orm: MikroORM, config: CofferConfig): Promise<DemoAccount[] | null> {
  const em = orm.em.fork();
  return em.transactional(async (tx) => {
    await tx.execute('select pg_advisory_xact_lock(727002)');
    if ((await tx.count(User, {})) > 0) return null;
    const [adminAccount, operatorAccount] = DEMO_ACCOUNTS;
    const admin = tx.create(User, { email: adminAccount.email, name: 'Asha Admin', passwordHash: await hashPassword(adminAccount.password) });
    tx.persist(admin);
    await tx.flush();
    const events = new LocalEventBus(); // nobody is subscribed before the server starts
    const viewer = { kind: 'user' as const, user: admin };
    const ctx: ServiceContext = { em: tx, viewer, config, events, loaders: createLoaders(tx, viewer) };
    const group = await createGroup(ctx, {
      name: DEMO_GROUP_NAME,
      kind: GroupKind.CLUB,
      currency: 'INR',
      memberNumberPrefix: 'SRC',
      billingSettings: {
        mode: BillingMode.MEMBERSHIP_FEE,
        cycle: BillingCycle.ANNUAL,
        price: { amount: '1200.00', currency: 'INR' },
        dueDay: 1,
        graceDays: 15,
        membershipFees: { annual: { amount: '1200.00', currency: 'INR' }, monthly: { amount: '150.00', currency: 'INR' }, applicationFee: { amount: '500.00', currency: 'INR' } },
      },
      paymentSettings: { upiId: 'sunrise.club@okbank', razorpayEnabled: true, stripeEnabled: false },
    });
    const operator = tx.create(User, { email: operatorAccount.email, name: 'Omar Operator', passwordHash: await hashPassword(operatorAccount.password) });
    tx.persist(operator);
    await tx.flush();
    await addMember(ctx, { groupId: group.id, email: operator.email, name: operator.name, role: Role.OPERATOR });
    const { member: ravi } = await addMember(ctx, { groupId: group.id, email: 'ravi@example.com', name: 'Ravi Kumar', nickname: 'Ravi', phone: '+91 98765 43210' });
    await addSubMember(ctx, { primaryMemberId: ravi!.id, name: 'Meera Kumar' });
    await addMember(ctx, { groupId: group.id, email: 'lena@example.com', name: 'Lena Fischer', customAmount: { amount: '600.00', currency: 'INR' } });
    await addMember(ctx, { groupId: group.id, email: 'sam@example.com', name: 'Sam Okafor' });
    return DEMO_ACCOUNTS;
  });
}
