// Valid, distinct US numbers for tests (212-555-xxxx parses as a valid New York number).
let next = Math.floor(Math.random() * 5000);
export function phone(): string {
  next = (next + 1) % 10_000;
  return `+1212555${String(next).padStart(4, '0')}`;
}
