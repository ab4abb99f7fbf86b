// One keep-alive GET per transaction through an undici Pool (one pool per worker thread).
import { Pool } from 'undici';

let pool;

export class Transaction {
  constructor(config) {
    pool ??= new Pool(config.target_origin, { connections: config.canons, pipelining: 1 });
    this.customTimers = {};
  }

  async run() {
    const { statusCode, body } = await pool.request({ path: '/', method: 'GET' });
    await body.dump();
    if (statusCode !== 200) throw new Error(`HTTP ${statusCode}`);
  }
}
