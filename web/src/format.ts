export function money(value: { amount: string; currency: string }): string {
  return `${value.amount} ${value.currency}`;
}

export function date(value: string | null | undefined): string {
  if (!value) return "";
  return value.length <= 10 ? value : new Date(value).toLocaleString();
}

export function errorMessage(error: { message: string; graphQLErrors?: readonly { message: string }[] } | undefined): string | null {
  if (!error) return null;
  const messages = error.graphQLErrors?.map((e) => e.message) ?? [];
  return messages.length ? messages.join(" ") : error.message;
}

/** A random key for payInvoice: one per payment attempt (R-BILL-3). */
export function idempotencyKey(): string {
  return crypto.randomUUID();
}
