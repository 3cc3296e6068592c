// Owns `signing-keys rotate`: new OIDC signing and cookie keys (oidc/keys.ts), the old signing key
// kept published for a grace period so tokens it signed still verify.
import { rotateOidcKeys } from '../../oidc/keys.ts';
import { parseArgs } from '../args.ts';
import { CliUsageError, type CliCommand } from '../command.ts';
import { render } from '../table.ts';

export const commands: CliCommand[] = [
  {
    name: 'signing-keys rotate',
    args: '[graceSeconds]',
    summary: 'new OIDC signing and cookie keys; the old signing key stays published for graceSeconds (default 3600)',
    async run(args, context) {
      const { positional } = parseArgs(args, { max: 1 });
      const grace = Number(positional[0] ?? 3600);
      if (!/^\d+$/.test(positional[0] ?? '3600') || !Number.isSafeInteger(grace))
        throw new CliUsageError('graceSeconds must be a whole number of seconds');
      const deps = await context.open();
      await rotateOidcKeys(deps.db, deps.keyring, grace);
      return render(context, { rotated: true, graceSeconds: grace }, () => 'rotated; running servers sign with the new key from their next request');
    },
  },
];
