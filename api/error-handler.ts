import type { FastifyError, FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { API_ERRORS, ApiError } from '../core/errors.js';

/** One error body everywhere: `{ error, message, details }`. */
export function installErrorHandler(app: FastifyInstance, log?: Logger): void {
  app.setErrorHandler((err: FastifyError | ApiError, request, reply) => {
    if (err instanceof ApiError) {
      return reply.status(err.statusCode).send({ error: API_ERRORS[err.code].error, message: err.message, details: err.details ?? null });
    }
    if ((err as FastifyError).validation) {
      return reply.status(400).send({ error: API_ERRORS.VALIDATION_FAILED.error, message: err.message, details: (err as FastifyError).validation });
    }
    const status = (err as FastifyError).statusCode ?? 500;
    if (status >= 500) log?.error({ err, url: request.url, method: request.method }, 'request failed');
    return reply.status(status).send({
      error: status >= 500 ? 'Internal Server Error' : 'Bad Request',
      message: status >= 500 ? 'Internal server error' : err.message,
      details: null,
    });
  });
  app.setNotFoundHandler((request, reply) =>
    reply.status(404).send({ error: 'Not Found', message: `No route ${request.method} ${request.url}`, details: null }),
  );
}
