// Backup codes (E19): shown once, with Copy (the clipboard) and Download (a .txt from a Blob URL), and
// bound (E22) only after the person says they saved them; then the sign-in finishes. Also the screen
// of 422 session.mfa.backup_code_required, when backup codes are due after another factor.
import { useEffect, useMemo, useState } from 'preact/hooks';
import { bindMfa, generateBackupCodes } from '../../api/experience.ts';
import { finish } from '../../app/flow.ts';
import { useApp } from '../../app/nav.ts';
import { Form, phraseError } from '../../components/Form.tsx';
import { useSetup } from './useSetup.ts';

/** A Blob URL of `text` for as long as the screen shows it. */
function useTextFile(text: string | null): string | null {
  const url = useMemo(() => (text === null ? null : URL.createObjectURL(new Blob([text], { type: 'text/plain;charset=utf-8' }))), [text]);
  useEffect(() => () => (url ? URL.revokeObjectURL(url) : undefined), [url]);
  return url;
}

export function BackupCodes() {
  const app = useApp();
  const { t } = app;
  const { value: generated, error } = useSetup(generateBackupCodes);
  const [saved, setSaved] = useState(false);
  const [status, setStatus] = useState<string | null>(null);
  const file = useTextFile(generated ? `${t('mfa.backup_file_title')}\n\n${generated.codes.join('\n')}\n` : null);
  if (!generated)
    return (
      <>
        <h1>{t('mfa.backup_title')}</h1>
        <p role={error ? 'alert' : undefined} aria-live="polite" class={error ? 'error' : 'muted'}>
          {error ?? t('common.loading')}
        </p>
      </>
    );
  return (
    <>
      <h1>{t('mfa.backup_title')}</h1>
      <p>{t('mfa.backup_intro')}</p>
      <ul class="codes" aria-label={t('mfa.factor_backup_code')}>
        {generated.codes.map((code) => (
          <li key={code}>{code}</li>
        ))}
      </ul>
      <div class="stack">
        <button
          type="button"
          class="secondary"
          onClick={() =>
            navigator.clipboard.writeText(generated.codes.join('\n')).then(
              () => setStatus(t('mfa.backup_copied')),
              () => setStatus(t('mfa.backup_copy_failed')),
            )
          }
        >
          {t('mfa.backup_copy')}
        </button>
        {file ? (
          <a href={file} download="backup-codes.txt">
            {t('mfa.backup_download')}
          </a>
        ) : null}
        <p class="hint" aria-live="polite">
          {status}
        </p>
      </div>
      <Form
        submitLabel="common.continue"
        onSubmit={async () => {
          if (!saved) throw phraseError('mfa.backup_saved_required');
          await bindMfa('BackupCode', generated.verificationId);
          await finish(app);
        }}
      >
        <label class="check">
          <input type="checkbox" name="saved" checked={saved} onChange={(event) => setSaved((event.currentTarget as HTMLInputElement).checked)} />{' '}
          {t('mfa.backup_saved')}
        </label>
      </Form>
    </>
  );
}
