// The sandbox gateway's test tokens (RUNTIME.md). With a real gateway the browser would get a
// token from the gateway's own card form; the portal only ever sees the token (R-PAY-2).
export const SANDBOX_TOKENS = [
  { value: "tok_visa", label: "Visa ···4242 (succeeds)" },
  { value: "tok_mastercard", label: "Mastercard ···4444 (succeeds)" },
  { value: "tok_amex", label: "Amex ···8431 (succeeds)" },
  { value: "tok_chargeDeclined", label: "Visa ···0002 (declined)" },
  { value: "tok_chargeDeclinedInsufficientFunds", label: "Visa ···9995 (insufficient funds)" },
  { value: "tok_chargeDeclinedExpiredCard", label: "Visa ···0069 (expired card)" },
] as const;
