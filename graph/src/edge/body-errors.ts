import { bodyReadRefusal } from '@tailor/kit';
import type { ErrorRequestHandler } from 'express';

/**
 * The `/graphql` body reader's refusals (too large, not JSON) as GraphQL-shaped bodies, so a
 * GraphQL client reads them like any other error; other paths keep the kit's `{ error }` form.
 */
export const graphqlBodyErrorHandler: ErrorRequestHandler = (err, _req, res, next) => {
  const refusal = res.headersSent ? undefined : bodyReadRefusal(err);
  if (refusal === undefined) {
    next(err);
    return;
  }
  const message =
    refusal.code === 'PAYLOAD_TOO_LARGE'
      ? `Request body exceeds the limit of ${refusal.limitBytes} bytes (GATEWAY_MAX_BODY_BYTES).`
      : 'Request body is not a JSON GraphQL request.';
  const extensions =
    refusal.limitBytes === undefined
      ? { code: refusal.code }
      : { code: refusal.code, limitBytes: refusal.limitBytes };
  res.status(refusal.status).json({ errors: [{ message, extensions }] });
};
