import type { FastifyError, FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { CsmsError, ERRORS, type ErrorCode } from '../core/errors.js';
import { allowedMethods, recordRoutes } from './method-not-allowed.js';

/** The code for one of fastify's own errors, by its status: parsing, size and media-type refusals. */
const FASTIFY_STATUS_CODES: Readonly<Record<number, ErrorCode>> = {
  400: 'BAD_REQUEST',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  413: 'PAYLOAD_TOO_LARGE',
  414: 'URI_TOO_LONG',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  503: 'SERVICE_UNAVAILABLE',
};

function body(code: ErrorCode, message: string, details: unknown = null) {
  return { error: ERRORS[code].title, code, message, details };
}

/** One error body everywhere: `{ error, code, message, details }`, `code` from the one table (core/errors.ts). */
export function installErrorHandler(app: FastifyInstance, log?: Logger): void {
  recordRoutes(app);
  app.setErrorHandler((err: FastifyError | CsmsError, request, reply) => {
    if (err instanceof CsmsError) return reply.status(err.statusCode).send(body(err.code, err.message, err.details ?? null));
    if ((err as FastifyError).validation) {
      return reply.status(400).send(body('VALIDATION_FAILED', err.message, (err as FastifyError).validation));
    }
    const status = (err as FastifyError).statusCode ?? 500;
    if (status >= 500 && status !== 503) {
      log?.error({ err, url: request.url, method: request.method }, 'request failed');
      // Deliberately generic: an internal message may reveal internals.
      return reply.status(500).send(body('INTERNAL_ERROR', 'Internal server error'));
    }
    const code = FASTIFY_STATUS_CODES[status] ?? 'BAD_REQUEST';
    return reply.status(ERRORS[code].http).send(body(code, err.message));
  });
  app.setNotFoundHandler((request, reply) => {
    const allowed = allowedMethods(app, request.method, request.url);
    if (allowed.length > 0) {
      return reply
        .status(405)
        .header('allow', allowed.join(', '))
        .send(body('METHOD_NOT_ALLOWED', `${request.method} is not allowed on ${request.url.split('?', 1)[0]}; use ${allowed.join(', ')}`));
    }
    return reply.status(404).send(body('NOT_FOUND', `No route ${request.method} ${request.url}`));
  });
}
