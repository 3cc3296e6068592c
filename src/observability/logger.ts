// Owns the process logger: JSON in production, readable in development (one line per entry), secrets
// redacted. A request is logged by its path only: query strings carry one-time codes (the social and SSO
// callbacks, the demo's callback) and tokens (id_token_hint), which must not reach a log. Recipients
// are masked where they are logged (mask.ts).
import pino, { type DestinationStream, type Logger } from 'pino';
import pretty from 'pino-pretty';
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
  /** The URL as it arrived (Fastify); `url` may have been rewritten since (the /oidc mount strips its prefix). */
  originalUrl?: string;
  hostname?: string;
  ip?: string;
  socket?: { remoteAddress?: string };
}

/** What a request's log line says about it: method, path without its query, host, client address. */
export function requestForLog(req: LoggedRequest) {
  const url = req.originalUrl ?? req.url;
  return {
    method: req.method,
    url: typeof url === 'string' ? url.split('?')[0] : undefined,
    hostname: req.hostname,
    remoteAddress: req.ip ?? req.socket?.remoteAddress,
  };
}

/** Development's readable form: one line per entry, a request's line being its message
 *  (`GET /path 204 1.2ms`, request-log.ts) and its request id; its objects stay in production's JSON. */
export const PRETTY_OPTIONS = {
  translateTime: 'SYS:HH:MM:ss.l',
  ignore: 'pid,hostname,req,res,responseTime',
  singleLine: true,
};

/** The process logger; with `destination` (tests) it writes there, pretty-printed in development. */
export function createLogger(config: Pick<Config, 'LOG_LEVEL' | 'mode'>, destination?: DestinationStream): Logger {
  const options = {
    level: config.LOG_LEVEL,
    redact: { paths: REDACT, censor: '[redacted]' },
    serializers: { req: requestForLog },
  };
  const development = config.mode === 'development';
  if (destination) return pino(options, development ? pretty({ ...PRETTY_OPTIONS, colorize: false, destination }) : destination);
  return development ? pino({ ...options, transport: { target: 'pino-pretty', options: PRETTY_OPTIONS } }) : pino(options);
}
