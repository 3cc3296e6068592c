// Owns how a recipient appears in a log line: phone numbers and email addresses are masked, enough left
// to tell two apart while debugging (country code and last two digits, first letter and domain), never the
// whole value. Every log statement that can carry a recipient calls one of these.

/** +447911127890 → +44********90 (at most five characters shown, however short the number); short or
 *  odd values keep at most their last two characters. */
export function maskPhone(phone: string): string {
  const value = phone.trim();
  if (value.length >= 10) return `${value.slice(0, 3)}${'*'.repeat(value.length - 5)}${value.slice(-2)}`;
  return `${'*'.repeat(Math.max(value.length - 2, 1))}${value.slice(-2)}`;
}

/** alice@example.com → a***@example.com; without a domain it is masked whole. */
export function maskEmail(email: string): string {
  const value = email.trim();
  const at = value.lastIndexOf('@');
  if (at <= 0) return '***';
  return `${value[0]}***${value.slice(at)}`;
}

/** An email address or phone number (or anything else a connector is handed as `to`), masked. */
export function maskRecipient(to: string): string {
  return to.includes('@') ? maskEmail(to) : maskPhone(to);
}
