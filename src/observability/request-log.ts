// Owns the one log entry per request. Fastify's own request logging writes two entries per request ("incoming
// request", "request completed"), each with its objects, which development prints as ~16 lines; this log
// controller writes one when the response is done: `GET /api/status 204 1.2ms` with the request id, the
// request by its path only (logger.ts requestForLog), the status and the time. Development prints it as
// one line (logger.ts PRETTY_OPTIONS); production keeps the fields as JSON.
import { LogController, type FastifyReply, type FastifyRequest } from 'fastify';
import { requestForLog } from './logger.ts';

/** `GET /path 204 1.2ms`: the message of a request's entry (no query string: it can carry codes). */
function requestLine(request: Pick<FastifyRequest, 'method' | 'url' | 'originalUrl'>, statusCode: number, elapsedMs: number): string {
  return `${request.method} ${requestForLog(request).url ?? ''} ${statusCode} ${elapsedMs.toFixed(1)}ms`;
}

class OneLinePerRequest extends LogController {
  override incomingRequest(): void {}

  /** A 404 is said by its request's line already. */
  override routeNotFound(): void {}

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    const responseTime = reply.elapsedTime;
    const entry = { req: request, res: { statusCode: reply.statusCode }, responseTime };
    const line = requestLine(request, reply.statusCode, responseTime);
    if (error) reply.log.error({ ...entry, err: error }, line);
    else reply.log.info(entry, line);
  }
}

/** Fastify's `logController` option (app.ts). */
export const requestLogController = (): LogController => new OneLinePerRequest();
