// Operator commands for the server secret (docs/secrets.md): `secrets status` (which key ids the sealed
// data uses, which the keyring holds, which is current) and `secrets rotate` (re-seal everything with
// the current secret). Neither prints a secret or a ciphertext: key ids and counts only.
import type { CliCommand } from '../command.ts';
import { CliUsageError } from '../command.ts';
import { rotateSealedData, type RotateReport } from '../../domain/secrets/rotate.ts';
import { secretStatus, type SecretStatus } from '../../domain/secrets/status.ts';

const when = (d: Date | null) => (d ? d.toISOString() : '-');

function shortLivedLines(items: SecretStatus['shortLived']): string[] {
  const live = items.filter((s) => s.live > 0);
  if (!live.length) return ['Short-lived sealed data: none in progress.'];
  return [
    'Short-lived sealed data (not re-sealed; may need an earlier secret until it expires):',
    ...live.map((s) => `  ${s.name} (${s.what}): ${s.live} unexpired, the last expires at ${when(s.lastExpiry)}`),
  ];
}

function formatStatus(s: SecretStatus): string {
  const lines = [
    `Current key: ${s.currentKeyId}`,
    `Keys held (VERITY_SECRET, then VERITY_PREVIOUS_SECRETS): ${s.heldKeyIds.join(', ')}`,
    'Keys this database has seen:',
    ...s.recorded.map((r) => `  ${r.keyId}  first ${when(r.firstSeenAt)}  last ${when(r.lastSeenAt)}${r.keyId === s.currentKeyId ? '  (current)' : ''}`),
    'Sealed data by key:',
  ];
  const needsOld = new Set<string>();
  for (const c of s.columns) {
    const keys = c.keys.length
      ? c.keys.map((k) => `${k.keyId}: ${k.count}${k.current ? ' (current)' : k.held ? ' (earlier secret)' : ' (MISSING: no secret holds this key)'}`).join(', ')
      : 'none';
    lines.push(`  ${c.name.padEnd(40)} ${keys}`);
    for (const k of c.keys) if (!k.current) needsOld.add(k.keyId);
  }
  lines.push(...shortLivedLines(s.shortLived));
  for (const d of s.digests)
    for (const k of d.keys.filter((key) => !key.current))
      lines.push(`${d.name} (${d.what}): ${k.count} made with key ${k.keyId}${k.held ? '' : ' (missing key: they no longer work)'}; they stop working once it is dropped (users make new ones)`);
  lines.push(
    needsOld.size
      ? `Data still needs key ${[...needsOld].join(', ')}: run \`npm run verity -- secrets rotate\` before dropping an earlier secret.`
      : 'Every sealed value uses the current key: earlier secrets can be dropped from VERITY_PREVIOUS_SECRETS once short-lived data has expired.',
  );
  return lines.join('\n');
}

function formatRotate(r: RotateReport): string {
  const lines = [`Re-sealed with the current key ${r.currentKeyId}:`];
  let left = 0;
  for (const c of r.columns) {
    const rest = c.remaining.map((k) => `${k.count} still on ${k.keyId}${k.held ? '' : ' (missing key)'}`);
    left += c.remaining.reduce((n, k) => n + k.count, 0);
    if (c.unreadable) rest.push(`${c.unreadable} that do not open (damaged; left as they are)`);
    lines.push(`  ${c.name.padEnd(40)} ${c.resealed} re-sealed${rest.length ? `; ${rest.join(', ')}` : ''}`);
  }
  lines.push(...shortLivedLines(r.shortLived));
  for (const d of r.digests)
    lines.push(`${d.name} (${d.what}): ${d.count} made with key ${d.keyId} cannot be re-sealed; they stop working once it is dropped (users make new ones)`);
  lines.push(
    left
      ? `${left} value(s) still need an earlier key: a process may still run with the old VERITY_SECRET (restart it) or a key is missing; run again.`
      : 'Nothing durable needs an earlier secret any more.',
  );
  return lines.join('\n');
}

export const commands: CliCommand[] = [
  {
    name: 'secrets status',
    args: '',
    summary: 'which key ids the sealed data uses, which the keyring holds, which is current',
    async run(args, context) {
      if (args.length) throw new CliUsageError('secrets status takes no arguments');
      // Read-only: runs even when the start-up check would refuse, to show why.
      const deps = await context.open({ secretCheck: false });
      return formatStatus(await secretStatus(deps.db, deps.keyring));
    },
  },
  {
    name: 'secrets rotate',
    args: '',
    summary: 're-seal every sealed value with the current VERITY_SECRET, then report what still needs an earlier one',
    async run(args, context) {
      if (args.length) throw new CliUsageError('secrets rotate takes no arguments');
      const deps = await context.open();
      return formatRotate(await rotateSealedData(deps.db, deps.keyring));
    },
  },
];
