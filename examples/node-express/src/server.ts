// Quiltt's webhook receiver (their docs' TypeScript/Express snippet), done right.
//
// The snippet ran `express.json()` and then hashed `JSON.stringify(req.body)`
// (not the bytes Quiltt signed), compared signatures with `!==` (a timing
// leak), accepted timestamps from any point in the future, and answered 204 to
// forged requests. Here `verifyWebhook` hashes the raw body, compares in
// constant time, allows 300 s either way, and answers 401 with the reason code.
import express from 'express';
import { Verifier } from 'hooksig';
import { verifyWebhook } from 'hooksig/express';

interface QuilttEvent {
  id: string;
  type: string;
  record: { id: string; [field: string]: unknown };
}

const secret = process.env.QUILTT_WEBHOOK_SECRET;
if (!secret) {
  console.error('Set QUILTT_WEBHOOK_SECRET to the subscription secret from the Quiltt dashboard.');
  process.exit(2);
}

// One verifier for the whole server: the key is prepared once, here.
const verifier = new Verifier('quiltt', secret);
const app = express();

// No express.json() in front: the middleware needs the bytes as they arrived.
app.post('/quiltt_webhook', verifyWebhook(verifier), (req, res) => {
  const { events } = JSON.parse(req.body.toString('utf8')) as { events: QuilttEvent[] };
  for (const event of events) {
    if (event.type.startsWith('connection.synced.successful')) {
      console.log(`Connection ${event.record.id} synced successfully`);
    } else if (event.type === 'account.verified') {
      console.log(`Account ${event.record.id} is ready for payment processing`);
    } else {
      console.log(`Unhandled event ${event.type}`);
    }
  }
  res.sendStatus(204);
});

const port = Number(process.env.PORT ?? 3000);
const server = app.listen(port, '127.0.0.1', () => {
  const address = server.address();
  console.log(`listening on ${typeof address === 'object' && address ? address.port : port}`);
});
