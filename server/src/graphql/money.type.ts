import { Field, InputType, ObjectType } from 'type-graphql';
import { formatAmount, Money } from '../shared/money';

// simpleResolvers: see PageInfo in graphql/connection.ts.
@ObjectType('Money', { description: 'An exact amount: GraphQL Int is 32-bit, so amounts travel as strings', simpleResolvers: true })
export class MoneyType {
  @Field({ description: 'Decimal string with exactly the currency\'s minor digits, e.g. "1234.50"' })
  amount: string;

  @Field({ description: 'Integer count of minor units as a string, e.g. "123450"' })
  amountMinor: string;

  @Field({ description: 'ISO 4217 code' })
  currency: string;

  static from(money: Money): MoneyType {
    return { amount: formatAmount(money.amountMinor, money.currency), amountMinor: money.amountMinor.toString(), currency: money.currency };
  }
}

@InputType({ description: 'An amount as typed by a person: a decimal string and its currency' })
export class MoneyInput {
  @Field({ description: 'Decimal string, e.g. "499.00"; more decimals than the currency has are rejected' })
  amount: string;

  @Field({ description: 'ISO 4217 code; must match the group\'s currency' })
  currency: string;
}
