// A complete receiver for Handshake's auth events, in plain Node (no dependencies):
//   HANDSHAKE_WEBHOOK_SECRET=… node examples/webhook-receiver.mjs      (listens on :4000)
// then start Handshake with HANDSHAKE_WEBHOOK_URL=http://localhost:4000/handshake-events.
import { createServer } from 'node:http';
import { verifyHandshakeEvent } from './verify-webhook.mjs';

const secret = process.env.HANDSHAKE_WEBHOOK_SECRET;
if (!secret) throw new Error('set HANDSHAKE_WEBHOOK_SECRET (npm run -s secrets -- webhook-secret)');
// Delivery is at least once: remember what was handled (in a real app, a table keyed by event id).
const handled = new Set();

createServer(async (request, response) => {
  let rawBody = '';
  for await (const chunk of request) rawBody += chunk;
  if (!verifyHandshakeEvent(secret, request.headers, rawBody)) {
    response.writeHead(401).end();
    return;
  }
  const event = JSON.parse(rawBody);
  if (!handled.has(event.id)) {
    handled.add(event.id);
    // Answer fast (within 10 s) and do slow work later; anything but 2xx is retried.
    console.log(
      `${event.time} ${event.type} ${event.installation} ${event.integration ?? ''} ${event.account ?? ''} → ${event.status}`,
    );
  }
  response.writeHead(204).end();
}).listen(Number(process.env.PORT ?? 4000), () => console.log('receiving Handshake events'));
