/**
 * A worker thread of the iJw message pool (see pool.ts): examines each message of a batch in order and
 * answers with the results. It holds no database connection and writes nothing.
 */
import { parentPort } from 'node:worker_threads';
import { SecretKey } from '../../lib/pseudonym.js';
import { type Examined, examineBytes } from './message.js';
import type { BatchReply, BatchRequest } from './pool.js';

const port = parentPort;
if (!port) throw new Error('worker.js runs as a worker thread of the iJw message pool');

port.on('message', async (request: BatchRequest) => {
  let reply: BatchReply;
  try {
    const key = SecretKey.fromTransfer(request.key);
    const results: Examined[] = [];
    for (const job of request.jobs) {
      const bytes = Buffer.from(request.buffer, job.offset, job.length);
      results.push(
        await examineBytes(request.gemeente, key, {
          bytes,
          deliveryId: job.deliveryId,
          memberName: job.memberName,
        }),
      );
    }
    reply = { id: request.id, results };
  } catch (error) {
    reply = { id: request.id, error: (error as Error).stack ?? String(error) };
  }
  port.postMessage(reply);
});
