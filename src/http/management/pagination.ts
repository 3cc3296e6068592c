// Logto pagination for list routes: `page` (≥ 1, default 1) and `page_size` (1–100, default 20);
// bad values → 400 guard.invalid_pagination. Answers carry Total-Number and a Link header (first,
// prev, next, last). "Optional" pagination: with neither parameter the whole list is returned and
// no headers are set.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { LogtoError } from '../../domain/errors.ts';

export const PaginationQuery = z.object({
  page: z.string().optional().describe('Page number, from 1'),
  page_size: z.string().optional().describe('Items per page, 1–100 (default 20)'),
});

export interface Page {
  limit: number;
  offset: number;
  page: number;
}

const positive = (raw: string | undefined, fallback: number, max = Number.MAX_SAFE_INTEGER) => {
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw)) throw new LogtoError('guard.invalid_pagination');
  const n = Number(raw);
  if (n < 1 || n > max) throw new LogtoError('guard.invalid_pagination');
  return n;
};

/** The requested page; null when pagination is optional and neither parameter was given. */
export function pageOf(query: { page?: string; page_size?: string }, optional = false): Page | null {
  if (optional && query.page === undefined && query.page_size === undefined) return null;
  const page = positive(query.page, 1);
  const size = positive(query.page_size, 20, 100);
  return { limit: size, offset: (page - 1) * size, page };
}

/** Sets Total-Number and Link for a page of `total` items. */
export function setPageHeaders(request: FastifyRequest, reply: FastifyReply, page: Page, total: number) {
  const last = Math.max(1, Math.ceil(total / page.limit));
  const base = new URL(request.url, 'http://placeholder');
  const link = (p: number, rel: string) => {
    base.searchParams.set('page', String(p));
    base.searchParams.set('page_size', String(page.limit));
    return `<${base.pathname}${base.search}>; rel="${rel}"`;
  };
  const links = [link(1, 'first')];
  if (page.page > 1) links.push(link(Math.min(page.page - 1, last), 'prev'));
  if (page.page < last) links.push(link(page.page + 1, 'next'));
  links.push(link(last, 'last'));
  reply.header('total-number', String(total)).header('link', links.join(', '));
}
