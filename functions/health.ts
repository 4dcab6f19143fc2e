import { config } from '../lib/config';
import { httpHandler } from '../lib/http/handler';
import { json } from '../lib/http/responses';

const { version } = config();

export const handler = httpHandler({
  'GET /health': async () => json(200, { ok: true, version }),
});
