// Operator commands `backup <file>` and `restore <file> [--force]` for the embedded store. They manage
// the store themselves (never context.open(), which would migrate and hold the lock): backup opens a
// stopped store, or asks the running server for the dump; restore needs the server stopped. With
// DATABASE_URL both print the pg_dump / pg_restore commands instead (docs/backup.md).
import path from 'node:path';
import { BackupError, backupEmbedded, restoreEmbedded, SECRET_REMINDER, type BackupReport } from '../../storage/backup.ts';
import { requestServerBackup } from '../../storage/backup-signal.ts';
import { DataDirLockedError } from '../../storage/dir-lock.ts';
import { CliUsageError, type CliCommand } from '../command.ts';

function describeBackup(report: BackupReport, how: string): string {
  return [
    `Backup written to ${report.file} (${report.bytes} bytes, ${how}).`,
    report.secretFile
      ? `The development secret.key was copied to ${report.secretFile}: keep the two files together and private.`
      : SECRET_REMINDER,
    `Restore it with: npm run verity -- restore ${report.file}`,
  ].join('\n');
}

/** A file named on the command line, from the directory the operator ran it in: `npm run` runs scripts in
 *  the package's directory and says where it was called from in INIT_CWD. */
const operatorPath = (file: string) => path.resolve(process.env.INIT_CWD ?? process.cwd(), file);

export const commands: CliCommand[] = [
  {
    name: 'backup',
    args: '<file>',
    summary: 'write a consistent backup of the embedded database to <file> (server running or stopped)',
    async run(args, { config }) {
      const [named, ...extra] = args;
      if (!named || extra.length || named.startsWith('-')) throw new CliUsageError('backup needs exactly one file name and takes no flags');
      const file = operatorPath(named);
      try {
        return describeBackup(await backupEmbedded(config, file), 'server stopped');
      } catch (error) {
        if (!(error instanceof DataDirLockedError)) throw error;
        return describeBackup(await requestServerBackup(config, file), 'made by the running server');
      }
    },
  },
  {
    name: 'restore',
    args: '<file> [--force]',
    summary: 'restore a backup into the data directory (server stopped); --force moves an existing database aside',
    async run(args, { config }) {
      const force = args.includes('--force');
      const named = args.filter((a) => a !== '--force');
      if (named.length !== 1 || named[0]!.startsWith('-')) throw new CliUsageError('restore needs one file name and optionally --force');
      const file = operatorPath(named[0]!);
      let report;
      try {
        report = await restoreEmbedded(config, file, { force });
      } catch (error) {
        if (error instanceof DataDirLockedError) throw new BackupError(`${error.message}\nStop the server before restoring.`);
        throw error;
      }
      const lines = [
        `Restored ${file} into ${config.dataDir}: ${report.applications} applications, ${report.users} users` +
          (report.migrated.length ? `; migrations applied: ${report.migrated.join(', ')}` : '') +
          '.',
      ];
      for (const aside of report.movedAside) lines.push(`The previous one was kept as ${aside}.`);
      if (report.secretFile) lines.push(`The backup's development secret was put in ${report.secretFile}.`);
      if (report.missingKeyIds.length) {
        lines.push(
          `Warning: the configured secrets do not hold key ${report.missingKeyIds.join(', ')}, which sealed this backup's data. ` +
            'Start the server with the VERITY_SECRET (or VERITY_PREVIOUS_SECRETS) the backup was made with.',
        );
      } else lines.push('The configured secret opens its sealed data. Start the server and check /api/health/ready.');
      return lines.join('\n');
    },
  },
];
