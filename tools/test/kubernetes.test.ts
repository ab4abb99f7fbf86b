// deploy/kubernetes against the project it runs and the image it runs in: the base and the example
// overlay are rendered with `kubectl kustomize` and the objects read back (YAML). The HQ's Service,
// container ports and environment agree with the project's publish_port/rc_port; the turrets reach
// the HQ by the Service's DNS name on the Service's ports; every container requests CPU and memory;
// the turret Job runs N turrets where the HQ waits for N; Secrets are mounted read-only, never
// readable by others. Each check is also shown to fail on an object broken on purpose. The image's
// entrypoint (deploy/container/oct-k8s.mjs) is run in dry-run mode: keys copied 0600, ports
// checked, turret.json pointed at the Service. Nothing here talks to a cluster.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, before, describe, it, type TestContext } from 'node:test';
import { parseAllDocuments } from 'yaml';

const root = join(import.meta.dirname, '..', '..');
const kube = join(root, 'deploy', 'kubernetes');
const entrypoint = join(root, 'deploy', 'container', 'oct-k8s.mjs');
const HQ_SERVICE = 'oct-hq';
/* eslint-disable @typescript-eslint/no-explicit-any -- rendered Kubernetes objects are free-form */
type Obj = Record<string, any>;

/**
 * Why the rendering tests cannot run (one line naming what to install), or null when they can:
 * `kubectl kustomize` with kustomize v5 (kubectl 1.27 or later) renders `labels`, inline patches and
 * the rest of deploy/kubernetes; Debian 12's kubernetes-client (kubectl 1.20) is too old.
 */
const kubectlMissing = ((): string | null => {
  const install =
    'install kubectl 1.27 or later (kustomize v5 inside: https://kubernetes.io/docs/tasks/tools/, or apt-get install kubectl from pkgs.k8s.io) to render deploy/kubernetes';
  const r = spawnSync('kubectl', ['version', '--client', '-o', 'json'], { encoding: 'utf8' });
  if (r.error || r.status !== 0) return `kubectl not found: ${install}`;
  let kustomize = '';
  try {
    kustomize = String((JSON.parse(r.stdout) as { kustomizeVersion?: string }).kustomizeVersion ?? '');
  } catch {
    // an unreadable answer: said below
  }
  const major = /^v(\d+)\./.exec(kustomize)?.[1];
  if (major === undefined || Number(major) < 5)
    return `kubectl's kustomize is ${kustomize || 'unknown'}, not v5: ${install}`;
  return null;
})();

/**
 * true when the test can go on; skips it with one line without a kubectl that renders kustomize v5.
 * Also in CI: no registry a fresh CI machine may use (npm, Debian) has kubectl 1.27+, so requiring it
 * there would make CI depend on what this machine happens to hold.
 */
function needKubectl(t: TestContext): boolean {
  if (kubectlMissing === null) return true;
  t.skip(kubectlMissing);
  return false;
}

function render(dir: string): Obj[] {
  const r = spawnSync('kubectl', ['kustomize', dir], { encoding: 'utf8' });
  assert.equal(r.status, 0, `kubectl kustomize ${dir}: ${r.error?.message ?? r.stderr}`);
  const docs = parseAllDocuments(r.stdout);
  for (const d of docs) assert.deepEqual(d.errors, [], `kubectl kustomize ${dir}: YAML errors`);
  return docs.map((d) => d.toJS() as Obj).filter((o) => o !== null);
}

interface Expected {
  /** The project's config.json (publish_port, rc_port, extra_turret_config, min_turrets, security). */
  config: Obj;
  /** The number of turret pods. */
  turrets: number;
}

const find = (objects: Obj[], kind: string, name: string): Obj | undefined =>
  objects.find(
    (o) => o.kind === kind && (o.metadata?.name === name || o.metadata?.name?.startsWith(`${name}-`)),
  );

const envOf = (container: Obj, name: string): Obj | undefined =>
  (container.env ?? []).find((e: Obj) => e.name === name);

const envValue = (container: Obj, name: string): string | undefined => envOf(container, name)?.value;

const mountDefault = (name: string): string | undefined =>
  new RegExp(`env\\.${name} \\|\\| '([^']+)'`).exec(readFileSync(entrypoint, 'utf8'))?.[1];

/** Every problem of the rendered objects, one line each (empty when all agree). */
function problems(objects: Obj[], expected: Expected): string[] {
  const out: string[] = [];
  const service = find(objects, 'Service', HQ_SERVICE);
  const hqJob = find(objects, 'Job', 'oct-hq');
  const turretJob = find(objects, 'Job', 'oct-turret');
  if (!service || !hqJob || !turretJob)
    return [`missing: Service ${HQ_SERVICE}, Job oct-hq or Job oct-turret`];
  const namespace: string | undefined = service.metadata.namespace;
  const publishPort = expected.config.publish_port ?? 5000;
  const rcPort = expected.config.rc_port ?? 5001;

  // The Service: its two ports are the project's, and it selects the HQ's pod only.
  const servicePort = (name: string): Obj | undefined =>
    service.spec.ports?.find((p: Obj) => p.name === name);
  const hqPod = hqJob.spec.template;
  const hq = hqPod.spec.containers.find((c: Obj) => c.name === 'hq');
  if (!hq) return ['Job oct-hq has no container "hq"'];
  for (const [name, port, envName] of [
    ['publish', publishPort, 'OCT_PUBLISH_PORT'],
    ['rc', rcPort, 'OCT_RC_PORT'],
  ] as const) {
    const sp = servicePort(name);
    if (sp?.port !== port)
      out.push(`Service ${HQ_SERVICE} port ${name} is ${sp?.port}, the project's is ${port}`);
    const cp = (hq.ports ?? []).find((p: Obj) => p.name === name);
    if (cp?.containerPort !== port)
      out.push(`HQ containerPort ${name} is ${cp?.containerPort}, the project's is ${port}`);
    const target = sp?.targetPort;
    if (target !== name && target !== port)
      out.push(`Service ${HQ_SERVICE} port ${name} targets ${target}, not the HQ's ${name} port`);
    if (envValue(hq, envName) !== String(port))
      out.push(`HQ env ${envName} is ${envValue(hq, envName)}, the project's ${name} port is ${port}`);
  }
  const selects = (labels: Obj | undefined): boolean =>
    Object.entries(service.spec.selector ?? {}).every(([k, v]) => labels?.[k] === v);
  if (!selects(hqPod.metadata?.labels)) out.push(`Service ${HQ_SERVICE} does not select the HQ's pod`);
  if (selects(turretJob.spec.template.metadata?.labels))
    out.push(`Service ${HQ_SERVICE} selects the turrets' pods too`);
  if (envValue(hq, 'OCT_HQ_BIND') !== '0.0.0.0')
    out.push(`the HQ binds ${envValue(hq, 'OCT_HQ_BIND')}, not 0.0.0.0`);

  // The turrets: the Service's DNS name and ports.
  const dnsNames = [HQ_SERVICE];
  if (namespace)
    dnsNames.push(`${HQ_SERVICE}.${namespace}.svc`, `${HQ_SERVICE}.${namespace}.svc.cluster.local`);
  const turret = turretJob.spec.template.spec.containers.find((c: Obj) => c.name === 'turret');
  if (!turret) return [...out, 'Job oct-turret has no container "turret"'];
  const address = envValue(turret, 'OCT_HQ_ADDRESS');
  if (!dnsNames.includes(address ?? ''))
    out.push(`turret OCT_HQ_ADDRESS is ${address}, not the Service's DNS name (${dnsNames.join(' or ')})`);
  const packed = expected.config.extra_turret_config?.hq_address;
  if (packed !== undefined && !dnsNames.includes(packed))
    out.push(
      `config.json extra_turret_config.hq_address is ${packed}, not the Service's DNS name (${dnsNames.join(' or ')})`,
    );
  if (envValue(turret, 'OCT_HQ_PUBLISHER') !== String(servicePort('publish')?.port))
    out.push(
      `turret OCT_HQ_PUBLISHER is ${envValue(turret, 'OCT_HQ_PUBLISHER')}, the Service's publish port is ${servicePort('publish')?.port}`,
    );
  if (envValue(turret, 'OCT_HQ_RC') !== String(servicePort('rc')?.port))
    out.push(
      `turret OCT_HQ_RC is ${envValue(turret, 'OCT_HQ_RC')}, the Service's rc port is ${servicePort('rc')?.port}`,
    );

  // N turrets, and the HQ waits for N.
  const n = expected.turrets;
  if (turretJob.spec.parallelism !== n)
    out.push(`turret Job parallelism is ${turretJob.spec.parallelism}, expected ${n}`);
  if (turretJob.spec.completions !== n)
    out.push(`turret Job completions is ${turretJob.spec.completions}, expected ${n}`);
  if (envValue(hq, 'OCT_MIN_TURRETS') !== String(n))
    out.push(`HQ env OCT_MIN_TURRETS is ${envValue(hq, 'OCT_MIN_TURRETS')}, the turret Job runs ${n}`);
  const minTurrets = expected.config.min_turrets ?? 1;
  if (minTurrets > n) out.push(`config.json min_turrets is ${minTurrets}, more than the ${n} turret pods`);

  // The results database from its Secret (results_database.db_uri).
  const db = envOf(hq, 'OCT_RESULTS_DB_URI')?.valueFrom?.secretKeyRef;
  if (db?.name !== 'oct-results-db' || db?.key !== 'db_uri')
    out.push('HQ env OCT_RESULTS_DB_URI does not come from Secret oct-results-db, key db_uri');
  const password = envOf(hq, 'PGPASSWORD')?.valueFrom?.secretKeyRef;
  if (password?.name !== 'oct-results-db' || password?.key !== 'password')
    out.push('HQ env PGPASSWORD does not come from Secret oct-results-db, key password');
  for (const e of [...(hq.env ?? []), ...(turret.env ?? [])])
    if (/PASSWORD|DB_URI|SECRET/.test(e.name) && e.value !== undefined)
      out.push(`env ${e.name} has a literal value: it belongs in a Secret`);

  for (const job of [hqJob, turretJob]) {
    const pod = job.spec.template.spec;
    const jobName = job.metadata.name;
    if (pod.securityContext?.runAsNonRoot !== true) out.push(`Job ${jobName}: runAsNonRoot is not true`);
    for (const c of [...(pod.initContainers ?? []), ...pod.containers]) {
      for (const r of ['cpu', 'memory'])
        if (!c.resources?.requests?.[r]) out.push(`Job ${jobName} container ${c.name}: no ${r} request`);
    }
    for (const v of pod.volumes ?? []) {
      const source = v.secret ?? v.configMap;
      if (!source) continue;
      const kind = v.secret ? 'Secret' : 'ConfigMap';
      const mounts = pod.containers.flatMap((c: Obj) =>
        (c.volumeMounts ?? []).filter((m: Obj) => m.name === v.name).map((m: Obj) => ({ c, m })),
      );
      for (const { c, m } of mounts)
        if (m.readOnly !== true)
          out.push(`Job ${jobName} container ${c.name}: ${kind} volume ${v.name} not mounted readOnly`);
      if (!v.secret) continue;
      const modes: unknown[] = [
        v.secret.defaultMode,
        ...(v.secret.items ?? []).map((i: Obj) => i.mode),
      ].filter((m) => m !== undefined);
      if (v.secret.defaultMode === undefined)
        out.push(`Job ${jobName}: Secret volume ${v.name} has no defaultMode (0644)`);
      for (const mode of modes)
        if (typeof mode !== 'number' || (mode & ~0o440) !== 0)
          out.push(
            `Job ${jobName}: Secret volume ${v.name} mode ${typeof mode === 'number' ? `0${mode.toString(8)}` : String(mode)} is not 0400 or 0440`,
          );
    }
  }

  // The mounts are where the entrypoint looks; the HQ's keys on the HQ only, with security.curve.
  const mountPath = (job: Obj, volume: string): string | undefined =>
    job.spec.template.spec.containers
      .flatMap((c: Obj) => c.volumeMounts ?? [])
      .find((m: Obj) => m.name === volume)?.mountPath;
  const secretVolume = (job: Obj, secretName: string): Obj | undefined =>
    (job.spec.template.spec.volumes ?? []).find((v: Obj) => v.secret?.secretName === secretName);
  const keys = secretVolume(hqJob, 'oct-hq-keys');
  if (expected.config.security?.curve === true && !keys)
    out.push('security.curve: the HQ mounts no Secret oct-hq-keys');
  if (keys && mountPath(hqJob, keys.name) !== mountDefault('OCT_KEYS_SRC'))
    out.push(
      `Secret oct-hq-keys is mounted at ${mountPath(hqJob, keys.name)}, the entrypoint reads ${mountDefault('OCT_KEYS_SRC')}`,
    );
  if (secretVolume(turretJob, 'oct-hq-keys')) out.push('the turrets mount the HQ keys');
  const pkg = secretVolume(turretJob, 'oct-turret-package');
  if (!pkg || mountPath(turretJob, pkg.name) !== mountDefault('OCT_TURRET_SRC'))
    out.push(`Secret oct-turret-package is not mounted at ${mountDefault('OCT_TURRET_SRC')} in the turrets`);
  const project = (hqJob.spec.template.spec.volumes ?? []).find((v: Obj) =>
    v.configMap?.name?.startsWith('oct-project'),
  );
  if (!project || mountPath(hqJob, project.name) !== mountDefault('OCT_PROJECT_SRC'))
    out.push(`ConfigMap oct-project is not mounted at ${mountDefault('OCT_PROJECT_SRC')} in the HQ`);
  return out;
}

/** config.json as the overlay's generated ConfigMap holds it. */
function renderedConfig(objects: Obj[]): Obj {
  const cm = find(objects, 'ConfigMap', 'oct-project');
  assert.ok(
    cm?.data?.['config.json'],
    'the example overlay renders no ConfigMap oct-project with config.json',
  );
  return JSON.parse(cm.data['config.json'] as string) as Obj;
}

describe('deploy/kubernetes', () => {
  it('the base: default ports, one turret, hq_address the Service name', (t) => {
    if (!needKubectl(t)) return;
    assert.deepEqual(problems(render(join(kube, 'base')), { config: {}, turrets: 1 }), []);
  });

  it('the example overlay: its project config, 4 turrets, namespace oct', (t) => {
    if (!needKubectl(t)) return;
    const objects = render(join(kube, 'overlays', 'example'));
    const config = renderedConfig(objects);
    assert.deepEqual(
      config,
      JSON.parse(readFileSync(join(kube, 'overlays/example/project/config.json'), 'utf8')),
    );
    assert.deepEqual(problems(objects, { config, turrets: 4 }), []);
    for (const o of objects.filter((o) => o.kind !== 'Namespace'))
      assert.equal(o.metadata.namespace, 'oct', `${o.kind} ${o.metadata.name}`);
    const image = find(objects, 'Job', 'oct-hq')!.spec.template.spec.containers[0].image;
    assert.equal(
      image,
      find(objects, 'Job', 'oct-turret')!.spec.template.spec.containers[0].image,
      'one image',
    );
  });

  it('each check fails on an object broken on purpose', (t) => {
    if (!needKubectl(t)) return;
    const objects = render(join(kube, 'overlays', 'example'));
    const config = renderedConfig(objects);
    const broken = (pattern: RegExp, change: (o: Obj[]) => void, expected: Partial<Expected> = {}): void => {
      const copy = structuredClone(objects);
      change(copy);
      const found = problems(copy, { config, turrets: 4, ...expected });
      assert.ok(
        found.some((line) => pattern.test(line)),
        `expected a problem matching ${pattern}, found: ${JSON.stringify(found)}`,
      );
    };
    const job = (o: Obj[], name: string): Obj => find(o, 'Job', name)!;
    const hq = (o: Obj[]): Obj => job(o, 'oct-hq').spec.template.spec.containers[0];
    const turret = (o: Obj[]): Obj => job(o, 'oct-turret').spec.template.spec.containers[0];
    broken(
      /Service oct-hq port publish is 5002/,
      (o) => (find(o, 'Service', HQ_SERVICE)!.spec.ports[0].port = 5002),
    );
    broken(/HQ containerPort rc is 6001/, (o) => (hq(o).ports[1].containerPort = 6001));
    broken(/HQ env OCT_RC_PORT is 5001, the project's rc port is 6001/, () => {}, {
      config: { ...config, rc_port: 6001 },
    });
    broken(/the HQ binds 127\.0\.0\.1/, (o) => (envOf(hq(o), 'OCT_HQ_BIND')!.value = '127.0.0.1'));
    broken(
      /turret OCT_HQ_ADDRESS is localhost, not the Service's DNS name/,
      (o) => (envOf(turret(o), 'OCT_HQ_ADDRESS')!.value = 'localhost'),
    );
    broken(/extra_turret_config\.hq_address is 0\.0\.0\.0/, () => {}, {
      config: { ...config, extra_turret_config: { hq_address: '0.0.0.0' } },
    });
    broken(
      /OCT_HQ_ADDRESS is oct-hq\.default\.svc/,
      (o) => (envOf(turret(o), 'OCT_HQ_ADDRESS')!.value = 'oct-hq.default.svc'),
    );
    broken(/turret OCT_HQ_RC is 5000/, (o) => (envOf(turret(o), 'OCT_HQ_RC')!.value = '5000'));
    broken(/parallelism is 3, expected 4/, (o) => (job(o, 'oct-turret').spec.parallelism = 3));
    broken(
      /OCT_MIN_TURRETS is 1, the turret Job runs 4/,
      (o) => (envOf(hq(o), 'OCT_MIN_TURRETS')!.value = '1'),
    );
    broken(/container turret: no cpu request/, (o) => delete turret(o).resources.requests.cpu);
    broken(/container hq: no memory request/, (o) => delete hq(o).resources.requests);
    broken(
      /Secret volume hq-keys mode 0444/,
      (o) =>
        (job(o, 'oct-hq').spec.template.spec.volumes.find((v: Obj) => v.secret).secret.defaultMode = 0o444),
    );
    broken(
      /turret-package has no defaultMode/,
      (o) => delete job(o, 'oct-turret').spec.template.spec.volumes[0].secret.defaultMode,
    );
    broken(/turret-package not mounted readOnly/, (o) => (turret(o).volumeMounts[0].readOnly = false));
    broken(/security\.curve: the HQ mounts no Secret/, (o) => {
      const pod = job(o, 'oct-hq').spec.template.spec;
      pod.volumes = pod.volumes.filter((v: Obj) => v.secret?.secretName !== 'oct-hq-keys');
    });
    broken(
      /PGPASSWORD does not come from Secret/,
      (o) => (envOf(hq(o), 'PGPASSWORD')!.valueFrom.secretKeyRef.key = 'pw'),
    );
    broken(/env OCT_RESULTS_DB_URI has a literal value/, (o) => {
      envOf(hq(o), 'OCT_RESULTS_DB_URI')!.value = 'postgresql://oct:pw@db/oct';
    });
    broken(
      /selects the turrets' pods too/,
      (o) => (find(o, 'Service', HQ_SERVICE)!.spec.selector = { 'app.kubernetes.io/name': 'oct' }),
    );
  });

  it('a user overlay that changes the Service port alone is caught', (t) => {
    if (!needKubectl(t)) return;
    const dir = mkdtempSync(join(tmpdir(), 'oct-kustomize-'));
    try {
      writeFileSync(
        join(dir, 'kustomization.yaml'),
        [
          'apiVersion: kustomize.config.k8s.io/v1beta1',
          'kind: Kustomization',
          'resources:',
          `  - ${relative(dir, join(kube, 'overlays', 'example'))}`, // kustomize refuses an absolute path
          'patches:',
          '  - target: { kind: Service, name: oct-hq }',
          '    patch: |-',
          '      - op: replace',
          '        path: /spec/ports/0/port',
          '        value: 6000',
          '',
        ].join('\n'),
      );
      const objects = render(dir);
      assert.deepEqual(problems(objects, { config: renderedConfig(objects), turrets: 4 }), [
        `Service ${HQ_SERVICE} port publish is 6000, the project's is 5000`,
        `turret OCT_HQ_PUBLISHER is 5000, the Service's publish port is 6000`,
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the image runs as the uid/gid of the manifests and exposes the default ports', () => {
    const containerfile = readFileSync(join(root, 'deploy', 'container', 'Containerfile'), 'utf8');
    assert.match(containerfile, /^USER 1000:1000$/m);
    assert.match(containerfile, /^EXPOSE 5000 5001$/m);
    assert.match(containerfile, /^ENTRYPOINT \["node", "\/usr\/local\/bin\/oct-k8s"\]$/m);
    assert.match(containerfile, /FROM docker\.io\/library\/node:\$\{NODE_VERSION\}-bookworm-slim/);
    assert.match(containerfile, /^ARG NODE_VERSION=20$/m);
    for (const file of ['hq-job.yaml', 'turret-job.yaml']) {
      const text = readFileSync(join(kube, 'base', file), 'utf8');
      assert.match(text, /runAsUser: 1000\n\s+runAsGroup: 1000\n\s+fsGroup: 1000/, file);
    }
  });
});

describe('deploy/container/oct-k8s.mjs (dry run)', () => {
  let dir = '';
  before(() => (dir = mkdtempSync(join(tmpdir(), 'oct-k8s-'))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  const entry = (args: string[], env: Record<string, string>) =>
    spawnSync(process.execPath, [entrypoint, ...args], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '', OCT_DRY_RUN: '1', ...env },
    });

  /** A project mount, a keys mount (0440, as fsGroup leaves them), and the entrypoint's env. */
  function hqSetup(
    name: string,
    config: Obj,
    keys: string[] = ['hq.key', 'hq.key_secret', 'navigation.key'],
  ) {
    const base = join(dir, name);
    mkdirSync(join(base, 'project'), { recursive: true });
    mkdirSync(join(base, 'keys'), { recursive: true });
    writeFileSync(join(base, 'project', 'config.json'), JSON.stringify(config));
    writeFileSync(join(base, 'project', 'v_user.js'), 'export class Transaction { async run() {} }\n');
    for (const k of keys) {
      writeFileSync(join(base, 'keys', k), `# ${k}\n`);
      chmodSync(join(base, 'keys', k), 0o440);
    }
    return {
      base,
      env: {
        OCT_PROJECT_SRC: join(base, 'project'),
        OCT_KEYS_SRC: join(base, 'keys'),
        OCT_WORK: join(base, 'work'),
        OCT_RESULTS: join(base, 'results'),
        OCT_PUBLISH_PORT: '5000',
        OCT_RC_PORT: '5001',
        OCT_MIN_TURRETS: '4',
      },
    };
  }

  const example = JSON.parse(readFileSync(join(kube, 'overlays/example/project/config.json'), 'utf8')) as Obj;

  it('hq: binds 0.0.0.0, waits for OCT_MIN_TURRETS, takes db_uri from the env, installs the keys 0600', () => {
    const { base, env } = hqSetup('hq', { ...example, hq_address: '127.0.0.1', min_turrets: 1 });
    const r = entry(['hq'], { ...env, OCT_RESULTS_DB_URI: 'postgresql://oct:pw@db:5432/oct' });
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { command: string[]; config: Obj };
    assert.deepEqual(out.command, [
      'oct',
      'run',
      join(base, 'work', 'project'),
      '-r',
      join(base, 'results'),
      '-w',
      '300',
    ]);
    assert.equal(out.config.hq_address, '0.0.0.0');
    assert.equal(out.config.min_turrets, 4);
    assert.equal(out.config.results_database.db_uri, 'postgresql://oct:pw@db:5432/oct');
    assert.equal(out.config.results_database.insert_limit, 150);
    const keys = join(base, 'work', 'project', 'keys');
    assert.equal(statSync(join(keys, 'hq.key_secret')).mode & 0o777, 0o600);
    assert.equal(statSync(join(keys, 'hq.key')).mode & 0o777, 0o644);
    assert.equal(statSync(join(keys, 'turrets', 'navigation.key')).mode & 0o777, 0o644);
    assert.deepEqual(
      JSON.parse(readFileSync(join(base, 'work', 'project', 'config.json'), 'utf8')),
      out.config,
    );
  });

  it('hq: refuses ports that differ from the pod, missing keys and a turret secret key', () => {
    const ports = hqSetup('ports', { ...example, rc_port: 6001 });
    let r = entry(['hq'], ports.env);
    assert.equal(r.status, 2);
    assert.match(
      r.stderr,
      /config\.json rc_port is 6001 but the pod and its Service use 5001 \(OCT_RC_PORT\)/,
    );
    const nokeys = hqSetup('nokeys', example, []);
    r = entry(['hq'], nokeys.env);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /security\.curve is true but .* holds no hq\.key_secret/);
    const stray = hqSetup('stray', example, [
      'hq.key',
      'hq.key_secret',
      'navigation.key',
      'navigation.key_secret',
    ]);
    r = entry(['hq'], stray.env);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /navigation\.key_secret: a turret's secret key does not belong on the HQ/);
  });

  it("turret: points the package's turret.json at the Service and gives its secret key 0600", () => {
    const base = join(dir, 'turret');
    const pkg = join(base, 'build', 'package');
    mkdirSync(join(pkg, 'keys'), { recursive: true });
    const turretJson = {
      name: 'navigation',
      canons: 1,
      script: 'v_user.js',
      hq_address: '0.0.0.0',
      hq_publisher: 5000,
      hq_rc: 5001,
      curve_server_key: 'keys/hq.key',
      curve_secret_key: 'keys/turret.key_secret',
    };
    writeFileSync(join(pkg, 'turret.json'), JSON.stringify(turretJson));
    writeFileSync(join(pkg, 'keys', 'hq.key'), '# hq\n');
    writeFileSync(join(pkg, 'keys', 'turret.key_secret'), '# secret\n');
    chmodSync(join(pkg, 'keys', 'turret.key_secret'), 0o644); // as npm or a umask may leave it
    mkdirSync(join(base, 'mount'));
    const tar = spawnSync('tar', [
      '-czf',
      join(base, 'mount', 'navigation.tgz'),
      '-C',
      join(base, 'build'),
      'package',
    ]);
    assert.equal(tar.status, 0, String(tar.stderr));
    const r = entry(['turret'], {
      OCT_TURRET_SRC: join(base, 'mount'),
      OCT_WORK: join(base, 'work'),
      OCT_HQ_ADDRESS: 'oct-hq',
      OCT_HQ_PUBLISHER: '5000',
      OCT_HQ_RC: '5001',
    });
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { command: string[]; config: Obj };
    const config = join(base, 'work', 'turret', 'package', 'turret.json');
    assert.deepEqual(out.command, ['oct-turret', 'start', '--config', config]);
    assert.deepEqual(out.config, { ...turretJson, hq_address: 'oct-hq' });
    assert.deepEqual(JSON.parse(readFileSync(config, 'utf8')), out.config);
    assert.equal(
      statSync(join(base, 'work', 'turret', 'package', 'keys', 'turret.key_secret')).mode & 0o777,
      0o600,
    );
  });
});
