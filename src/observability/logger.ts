// Owns the process logger: JSON in production, readable in development, secrets redacted.
import pino, { type Logger } from 'pino';
import type { Config } from '../config/index.ts';

export const REDACT = [
  'req.headers.authorization',
  'req.headers["x-api-key"]',
  'req.headers.cookie',
  '*.password',
  '*.pin',
  '*.code',
  '*.secret',
  '*.apiKey',
  '*.otpApiKey',
];

export function createLogger(config: Pick<Config, 'LOG_LEVEL' | 'mode'>): Logger {
  return pino({
    level: config.LOG_LEVEL,
    redact: { paths: REDACT, censor: '[redacted]' },
    ...(config.mode === 'development'
      ? { transport: { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' } } }
      : {}),
  });
}
