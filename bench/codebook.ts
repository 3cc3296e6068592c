// Owns the phone numbers flows send to and the book where the bench's no-op SMS sender records the
// last code per number. The book lives in a SharedArrayBuffer (a Map cannot cross into the load
// worker): the sender writes the code bytes, then publishes the length with Atomics.store; the client
// reads it with Atomics.load after the 201, which the server only sends once the code was recorded.
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';

const MAX_CODE = 15;

/**
 * `count` distinct New York numbers (+1 212 NXX XXXX, exchanges 200–999), each checked with
 * libphonenumber's full metadata, in the E.164 form Verity hands its sender.
 */
export function phoneNumbers(count: number): string[] {
  const numbers: string[] = [];
  for (let local = 2_000_000; numbers.length < count && local <= 9_999_999; local += 1) {
    const parsed = parsePhoneNumberFromString(`+1212${local}`);
    if (parsed?.isValid()) numbers.push(parsed.number);
  }
  if (numbers.length < count) throw new Error(`only ${numbers.length} valid numbers, ${count} wanted`);
  return numbers;
}

export interface CodeBook {
  readonly buffer: SharedArrayBuffer;
  readonly size: number;
  record(slot: number, code: string): void;
  /** Takes (reads and clears) the code recorded for the slot; undefined when there is none. */
  take(slot: number): string | undefined;
}

/** A book of `size` slots, or a view of an existing buffer (from the other thread). */
export function codeBook(sizeOrBuffer: number | SharedArrayBuffer): CodeBook {
  const buffer =
    typeof sizeOrBuffer === 'number' ? new SharedArrayBuffer(sizeOrBuffer * (4 + MAX_CODE)) : sizeOrBuffer;
  const size = buffer.byteLength / (4 + MAX_CODE);
  const lengths = new Int32Array(buffer, 0, size);
  const bytes = new Uint8Array(buffer, size * 4);
  return {
    buffer,
    size,
    record(slot, code) {
      if (code.length > MAX_CODE) throw new Error(`code longer than ${MAX_CODE}`);
      for (let i = 0; i < code.length; i += 1) bytes[slot * MAX_CODE + i] = code.charCodeAt(i);
      Atomics.store(lengths, slot, code.length);
    },
    take(slot) {
      const length = Atomics.exchange(lengths, slot, 0);
      if (length === 0) return undefined;
      return String.fromCharCode(...bytes.subarray(slot * MAX_CODE, slot * MAX_CODE + length));
    },
  };
}
