// Owns the process logger: JSON in production, readable in development, secrets redacted. A request is
// logged by its path only: query strings carry one-time codes (the social and SSO callbacks, the demo's
// callback) and tokens (id_token_hint), which must not reach a log.
import pino, { type DestinationStream, type Logger } from 'pino';
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

interface LoggedRequest {
  method?: string;
  url?: string;
  hostname?: string;
  ip?: string;
  socket?: { remoteAddress?: string };
}

/** What a request's log line says about it: method, path without its query, host, client address. */
export function requestForLog(req: LoggedRequest) {
  return {
    method: req.method,
    url: typeof req.url === 'string' ? req.url.split('?')[0] : undefined,
    hostname: req.hostname,
    remoteAddress: req.ip ?? req.socket?.remoteAddress,
  };
}

export function createLogger(config: Pick<Config, 'LOG_LEVEL' | 'mode'>, destination?: DestinationStream): Logger {
  const options = {
    level: config.LOG_LEVEL,
    redact: { paths: REDACT, censor: '[redacted]' },
    serializers: { req: requestForLog },
    ...(config.mode === 'development'
      ? { transport: { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' } } }
      : {}),
  };
  return destination ? pino({ ...options, transport: undefined }, destination) : pino(options);
}
