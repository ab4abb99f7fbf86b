// A transaction script: each canon (virtual user) creates one Transaction and calls run() in a loop.
// The turret times run() (scriptrun_time); a throw is recorded in the result's `error` and the canon
// goes on. Put sub-timings in this.customTimers (name -> seconds): they appear in the report.
export class Transaction {
  constructor(config, context) {
    this.config = config; // the turret config (plus extra_turret_config)
    this.context = context; // the HQ's set_transaction_context msg
    this.customTimers = {};
  }

  async run() {
    // Stand-in for real work (e.g. an HTTP call): build, serialise and parse a small document.
    const t0 = performance.now();
    const doc = {
      items: Array.from({ length: 200 }, (_, i) => ({ id: i, name: `item-${i}`, price: i * 1.5 })),
    };
    const copy = JSON.parse(JSON.stringify(doc));
    this.customTimers.json_roundtrip = (performance.now() - t0) / 1000;

    const t1 = performance.now();
    const total = copy.items.reduce((sum, item) => sum + item.price, 0);
    await new Promise((resolve) => setTimeout(resolve, 5)); // think time
    this.customTimers.checkout = (performance.now() - t1) / 1000;

    if (total !== doc.items.reduce((sum, item) => sum + item.price, 0)) throw new Error('totals differ');
  }
}
