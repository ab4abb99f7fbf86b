/**
 * A small network of hosts on this machine: one Linux network namespace per host, each with one
 * veth link to a bridge that lives in a namespace of its own, so no address or route of the machine
 * itself changes and the traffic stays among these namespaces. Linux and root only (`ip` from
 * iproute2). Every name starts with the prefix, so a clean-up finds the leftovers of a killed run.
 *
 *   <prefix>hq (10.77.0.1) --veth--+
 *   <prefix>t1 (10.77.0.2) --veth--+-- br0 in <prefix>br
 *   <prefix>t2 (10.77.0.3) --veth--+
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export interface Host {
  /** Its namespace, for `ip netns exec`. */
  netns: string;
  address: string;
}

/** Why namespaces cannot be made here, or null when they can. */
export function netnsUnavailable(): string | null {
  if (process.platform !== 'linux') return 'network namespaces need Linux';
  if (process.getuid?.() !== 0) return 'network namespaces need root';
  if (!existsSync('/usr/sbin/ip') && !existsSync('/sbin/ip') && !existsSync('/usr/bin/ip'))
    return '`ip` not found: install Debian package iproute2';
  return null;
}

const ip = (...args: string[]): string => execFileSync('ip', args, { encoding: 'utf8', stdio: 'pipe' });

/** Kills every process left in, and deletes, each namespace whose name starts with `prefix`. */
export function removeNetwork(prefix: string): void {
  const names = ip('netns', 'list')
    .split('\n')
    .map((l) => l.split(' ')[0]!)
    .filter((n) => n.startsWith(prefix));
  for (const ns of names) {
    for (const pid of ip('netns', 'pids', ns).split('\n').filter(Boolean)) {
      try {
        process.kill(Number(pid), 'SIGKILL');
      } catch {
        // already gone
      }
    }
    try {
      ip('netns', 'del', ns);
    } catch {
      // deleted meanwhile
    }
  }
}

/**
 * Builds the bridge and one host per name (`hq`, `t1`, ...), addresses 10.77.0.1 upwards in that
 * order; removes leftovers with the same prefix first. Returns the hosts by name.
 */
export function buildNetwork(prefix: string, names: string[]): Map<string, Host> {
  removeNetwork(prefix);
  const bridge = `${prefix}br`;
  ip('netns', 'add', bridge);
  ip('-n', bridge, 'link', 'add', 'br0', 'type', 'bridge');
  ip('-n', bridge, 'link', 'set', 'br0', 'up');
  const hosts = new Map<string, Host>();
  names.forEach((name, i) => {
    const netns = `${prefix}${name}`;
    const address = `10.77.0.${i + 1}`;
    // Interface names have at most 15 characters: `omh<i>h` in the host, `omh<i>b` on the bridge.
    const [inHost, onBridge] = [`omh${i}h`, `omh${i}b`];
    ip('netns', 'add', netns);
    ip('link', 'add', inHost, 'netns', netns, 'type', 'veth', 'peer', 'name', onBridge, 'netns', bridge);
    ip('-n', bridge, 'link', 'set', onBridge, 'master', 'br0', 'up');
    ip('-n', netns, 'addr', 'add', `${address}/24`, 'dev', inHost);
    ip('-n', netns, 'link', 'set', inHost, 'up');
    ip('-n', netns, 'link', 'set', 'lo', 'up');
    hosts.set(name, { netns, address });
  });
  return hosts;
}
