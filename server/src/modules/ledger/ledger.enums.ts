export enum TransactionType {
  CASH_IN = 'CASH_IN',
  CASH_OUT = 'CASH_OUT',
}

export enum TransactionCategory {
  MEMBERSHIP_FEE = 'MEMBERSHIP_FEE',
  SUBSCRIPTION_SHARE = 'SUBSCRIPTION_SHARE',
  SPONSORSHIP = 'SPONSORSHIP',
  DONATION = 'DONATION',
  EXPENSE = 'EXPENSE',
  REMITTANCE = 'REMITTANCE',
  REFUND = 'REFUND',
  OTHER = 'OTHER',
}

export enum PaymentMode {
  CASH = 'CASH',
  UPI = 'UPI',
  BANK_TRANSFER = 'BANK_TRANSFER',
  CARD = 'CARD',
  OTHER = 'OTHER',
}

export enum ApprovalStatus {
  PENDING = 'PENDING',
  APPROVED = 'APPROVED',
  REJECTED = 'REJECTED',
}

export enum ApprovalSource {
  MANUAL = 'MANUAL',
  ADMIN_DIRECT = 'ADMIN_DIRECT',
  RAZORPAY_WEBHOOK = 'RAZORPAY_WEBHOOK',
  STRIPE_WEBHOOK = 'STRIPE_WEBHOOK',
  PAYMENT_VERIFICATION = 'PAYMENT_VERIFICATION',
  /** Posted by a remittance's own steps (reserve, settle, release); changed only through the remittance. */
  REMITTANCE = 'REMITTANCE',
}

export enum PaymentProvider {
  RAZORPAY = 'RAZORPAY',
  STRIPE = 'STRIPE',
}

export enum AccountKind {
  ASSET = 'ASSET',
  LIABILITY = 'LIABILITY',
  INCOME = 'INCOME',
  EXPENSE = 'EXPENSE',
}
