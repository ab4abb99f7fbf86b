/**
 * Machines for a multi-host run, on one computer: an HQ machine and firing machines, each a network
 * namespace (netns.ts) with a directory of its own. A project is made, keyed and packed on the HQ
 * machine with the workspace's `oct`; each firing machine installs its packed turret with npm as a
 * user does (with the `npm pack` tarballs of @oct/protocol and @oct/turret, which no registry holds
 * yet, and every other dependency from npm's registry) and starts it with its `start-<name>` bin in
 * its namespace; the HQ runs `oct run` in its own. Used by test/multi-host.test.ts and
 * bench/multi-host.
 */
import { readFileSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { run, start, userEnv, type Running } from './commands.js';
import { buildNetwork, removeNetwork, type Host } from './netns.js';
import { ROOT } from './registry.js';

const OCT = path.join(ROOT, 'packages', 'cli', 'bin', 'oct.js');
const NPM_QUIET = ['--no-audit', '--no-fund'];

/** What `oct run` wrote in summary.json, as far as these runs look at it. */
export interface RunSummary {
  outcome: string;
  transactions: number;
  turrets: { name: string; status: string; results_sent: number | null; results_stored: number | null }[];
}

export interface ProjectOptions {
  turrets: string[];
  canons: number;
  runTime: number;
  curve: boolean;
  /** The transaction script (v_user.js); `oct new-project`'s example when absent. */
  script?: string;
}

export class FiringRange {
  readonly hosts: Map<string, Host>;
  private readonly env = userEnv();
  private readonly running: Running[] = [];
  private tarballs: string[] = [];

  /** Builds the network (`hq` plus `turrets`, addresses from 10.77.0.1) under `root`. */
  constructor(
    private readonly root: string,
    private readonly prefix: string,
    turrets: string[],
  ) {
    this.hosts = buildNetwork(prefix, ['hq', ...turrets]);
  }

  get hqMachine(): string {
    return path.join(this.root, 'hq-machine');
  }

  /** `npm pack`s @oct/protocol and @oct/turret once (they are what firing machines install). */
  async packRuntime(): Promise<void> {
    const packed = path.join(this.root, 'packed');
    await mkdir(packed, { recursive: true });
    await mkdir(this.hqMachine, { recursive: true });
    const args = ['pack', '--pack-destination', packed, '-w', 'packages/protocol', '-w', 'packages/turret'];
    const out = await run('npm', args, ROOT, this.env);
    this.tarballs = [...out.matchAll(/^(oct-[a-z]+-[0-9.]+\.tgz)$/gm)].map((m) => path.join(packed, m[1]!));
    if (this.tarballs.length !== 2) throw new Error(`npm pack made no two tarballs:\n${out}`);
  }

  /** Makes project `name` on the HQ machine, aimed at the HQ's address, keyed when `curve`, and packs it. */
  async project(name: string, o: ProjectOptions): Promise<string> {
    await run(process.execPath, [OCT, 'new-project', name], this.hqMachine, this.env);
    const dir = path.join(this.hqMachine, name);
    const configPath = path.join(dir, 'config.json');
    const config = JSON.parse(await readFile(configPath, 'utf8')) as Record<string, unknown>;
    Object.assign(config, {
      run_time: o.runTime,
      min_turrets: o.turrets.length,
      hq_address: this.hosts.get('hq')!.address,
      progress_bar: false,
      security: { curve: o.curve },
      turrets: o.turrets.map((t) => ({ name: t, canons: o.canons, rampup: 0, script: 'v_user.js' })),
    });
    await writeFile(configPath, JSON.stringify(config, null, 2));
    if (o.script !== undefined) await writeFile(path.join(dir, 'v_user.js'), o.script);
    if (o.curve) await run(process.execPath, [OCT, 'keys', name], this.hqMachine, this.env);
    await run(
      process.execPath,
      [OCT, 'pack-turrets', name, '--out', `${name}-packs`],
      this.hqMachine,
      this.env,
    );
    return dir;
  }

  /** Installs turret `t` of project `name` on its own firing machine; returns that directory. */
  async install(name: string, t: string): Promise<string> {
    const machine = path.join(this.root, `${name}-${t}`);
    await mkdir(machine);
    const pkg = path.join(this.hqMachine, `${name}-packs`, `${t}.tgz`);
    await run('npm', ['install', ...NPM_QUIET, ...this.tarballs, pkg], machine, this.env);
    return machine;
  }

  /** Starts `oct run <name>` in the HQ's namespace and each turret in its own. */
  fire(name: string, machines: Map<string, string>): { hq: Running; turrets: Map<string, Running> } {
    const hqArgs = ['netns', 'exec', this.hosts.get('hq')!.netns, process.execPath, OCT, 'run', name];
    const hq = this.track(start('ip', [...hqArgs, '--wait-timeout', '180'], this.hqMachine, this.env));
    const turrets = new Map<string, Running>();
    for (const [t, machine] of machines) {
      const bin = path.join(machine, 'node_modules', '.bin', `start-${t}`);
      turrets.set(
        t,
        this.track(start('ip', ['netns', 'exec', this.hosts.get(t)!.netns, bin], machine, this.env)),
      );
    }
    return { hq, turrets };
  }

  /** The summary.json and report.html paths `oct run` printed, and the summary itself. */
  static summaryOf(output: string): { summary: RunSummary; html: string } {
    const file = /^summary: (.+)$/m.exec(output)?.[1];
    if (!file) throw new Error(`oct run printed no summary line:\n${output}`);
    return {
      summary: JSON.parse(readFileSync(file, 'utf8')) as RunSummary,
      html: path.join(path.dirname(file), 'report.html'),
    };
  }

  /** Kills every process started here and removes the namespaces. */
  close(): void {
    for (const r of this.running) r.kill();
    removeNetwork(this.prefix);
  }

  private track(r: Running): Running {
    this.running.push(r);
    return r;
  }
}
