import { OrderRejected } from '@ouro/domain';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { HttpProblem, InvalidRequest } from '../problems.js';

interface ValidationIssue {
  readonly instancePath: string;
  readonly message?: string;
  readonly keyword: string;
  readonly params: Record<string, unknown>;
}

/** `/items/0/quantity`; a missing property points at itself, not at its parent. */
function fieldOf(issue: ValidationIssue, part: string | undefined): string {
  const missing = issue.keyword === 'required' ? `/${String(issue.params.missingProperty)}` : '';
  const pointer = `${issue.instancePath}${missing}` || '/';
  return part === 'body' || part === undefined ? pointer : `${part}:${pointer.slice(1) || pointer}`;
}

/** Fastify's own errors, by code, as problems. */
function fromFastify(error: FastifyError): HttpProblem | undefined {
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new HttpProblem(413, 'payload-too-large', 'Request body too large', error.message);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new HttpProblem(415, 'unsupported-media-type', 'Unsupported media type', 'send the order as application/json');
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new InvalidRequest(`the body is not valid JSON: ${error.message}`, [{ field: '/', message: 'malformed JSON' }]);
    default:
      return undefined;
  }
}

export function toProblem(error: FastifyError | Error): HttpProblem {
  if (error instanceof HttpProblem) return error;
  if (error instanceof OrderRejected) return new InvalidRequest(error.message, [{ field: error.field, message: error.message }]);
  const fastifyError = error as FastifyError;
  if (fastifyError.validation) {
    const issues = fastifyError.validation as unknown as ValidationIssue[];
    const errors = issues.map((issue) => ({
      field: fieldOf(issue, fastifyError.validationContext),
      message: issue.message ?? issue.keyword,
    }));
    return new InvalidRequest(errors.map((entry) => `${entry.field} ${entry.message}`).join('; '), errors);
  }
  return (
    fromFastify(fastifyError) ??
    new HttpProblem(
      fastifyError.statusCode && fastifyError.statusCode < 500 ? fastifyError.statusCode : 500,
      'internal',
      'Internal error',
      'the request could not be completed',
    )
  );
}

export function sendProblem(problem: HttpProblem, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  return reply
    .code(problem.status)
    .headers(problem.headers)
    .type('application/problem+json')
    .send({
      type: `urn:ouro:problem:${problem.code}`,
      title: problem.title,
      status: problem.status,
      detail: problem.message,
      code: problem.code,
      instance: request.url,
      ...problem.extensions,
    });
}

const methods = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'] as const;

/** The methods this path answers (by the routes registered), for a 405's `Allow`. */
function allowedMethods(app: FastifyInstance, url: string): string[] {
  const path = url.split('?')[0] ?? url;
  return methods.filter((method) => app.findRoute({ method, url: path }) !== null);
}

/** No route answers this request: 405 with `Allow` when its path is known under other methods, else 404. */
function unrouted(app: FastifyInstance, request: FastifyRequest): HttpProblem {
  const allowed = allowedMethods(app, request.url);
  return allowed.length > 0
    ? new HttpProblem(
        405,
        'method-not-allowed',
        'Method not allowed',
        `${request.method} is not answered on this path`,
        {},
        { allow: allowed.join(', ') },
      )
    : new HttpProblem(404, 'route-not-found', 'Not found', `no route ${request.method} ${request.url}`);
}

/** One mapper from every error to RFC 9457 problem+json; a known path asked with another method is 405, with `Allow`. */
export const problemDetails = fp(async (app: FastifyInstance) => {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    // Fastify checks a body method's Content-Type (QUERY, say) before it finds no route for it.
    const problem = request.is404 ? unrouted(app, request) : toProblem(error);
    if (problem.status >= 500) request.log.error({ err: error }, problem.title);
    return sendProblem(problem, request, reply);
  });
  app.setNotFoundHandler((request, reply) => sendProblem(unrouted(app, request), request, reply));
});
