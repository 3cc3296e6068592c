// Owns the development outbox connector: every message becomes one JSON line in
// <dataDir>/outbox.jsonl (mode 0600), where developers and tests read the code. It records the
// plaintext code on purpose, which is why index.ts never chooses it in production.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import { DeliveryError } from '../domain/errors.ts';
import { maskRecipient } from '../observability/mask.ts';
import type { Channel, OutboundMessage, Sender, SendResult } from './types.ts';

export const OUTBOX_FILE = 'outbox.jsonl';

/** One outbox line: the message as handed to the connector, with an id and a timestamp. */
export interface OutboxRecord extends OutboundMessage {
  id: string;
  createdAt: string;
}

export interface OutboxOptions {
  dataDir: string;
  logger: Pick<Logger, 'info' | 'warn' | 'error'>;
  /** Clock for createdAt (tests); defaults to Date.now. */
  now?: () => number;
}

const NAME = 'outbox';

/** send() appends the message and resolves with the record's id as providerId;
 *  throws DeliveryError when the file cannot be written. */
export function createOutboxSender(channel: Channel, options: OutboxOptions): Sender {
  const file = path.join(options.dataDir, OUTBOX_FILE);
  const now = options.now ?? Date.now;
  let ready: Promise<unknown> | undefined;

  async function send(message: OutboundMessage): Promise<SendResult> {
    const record: OutboxRecord = {
      id: crypto.randomUUID(),
      channel,
      to: message.to,
      text: message.text,
      ...(channel === 'email' ? { subject: message.subject ?? '' } : {}),
      ...(message.from ? { from: message.from } : {}),
      code: message.code,
      purpose: message.purpose,
      createdAt: new Date(now()).toISOString(),
    };
    try {
      ready ??= fs.promises.mkdir(options.dataDir, { recursive: true, mode: 0o700 });
      await ready;
      // One appendFile call per line: the file is opened O_APPEND and a line this small goes out
      // in a single write(2), so concurrent sends never interleave within a line.
      await fs.promises.appendFile(file, `${JSON.stringify(record)}\n`, { encoding: 'utf8', mode: 0o600 });
    } catch (error) {
      ready = undefined;
      options.logger.error({ err: error, channel }, 'outbox write failed');
      throw new DeliveryError(NAME, `${NAME} write failed: ${(error as NodeJS.ErrnoException).code ?? 'unknown error'}`, {
        cause: error,
      });
    }
    options.logger.info({ channel, to: maskRecipient(message.to), purpose: message.purpose, id: record.id, file }, 'message written to outbox');
    return { providerId: record.id };
  }

  return { name: NAME, channel, send };
}

/** Reads every record in <dataDir>/outbox.jsonl (development tooling and tests). */
export async function readOutbox(dataDir: string): Promise<OutboxRecord[]> {
  let content: string;
  try {
    content = await fs.promises.readFile(path.join(dataDir, OUTBOX_FILE), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  return content
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line) as OutboxRecord);
}
