// Setting up a second factor at sign-in (422 user.missing_mfa): the person picks one of the factors
// the server offers (straight to it when there is only one) and sets it up — TotpSetup, PasskeySetup,
// BackupCodes — or skips (E23, only when the server says `skippable`), then the sign-in finishes.
import { useState } from 'preact/hooks';
import { skipMfa, type MfaFactor } from '../../api/experience.ts';
import { finish } from '../../app/flow.ts';
import { useApp } from '../../app/nav.ts';
import { useAction } from '../../components/useAction.ts';
import { BackupCodes } from './BackupCodes.tsx';
import { FACTOR_HINT, FACTOR_NAME } from './factors.ts';
import { PasskeySetup } from './PasskeySetup.tsx';
import { TotpSetup } from './TotpSetup.tsx';
import { useFocusHeading } from './useFocusHeading.ts';

const SETUP = { Totp: TotpSetup, WebAuthn: PasskeySetup, BackupCode: BackupCodes };

function Skip() {
  const app = useApp();
  const { busy, error, run } = useAction();
  return (
    <>
      <div class="alert" role="alert" aria-live="assertive">
        {error ? <p class="error">{error}</p> : null}
      </div>
      <button
        type="button"
        class="link"
        disabled={busy}
        onClick={() =>
          void run(async () => {
            await skipMfa();
            await finish(app);
          })
        }
      >
        {app.t('mfa.skip')}
      </button>
    </>
  );
}

export function MfaBind({ screen }: { screen: { factors: MfaFactor[]; skippable: boolean } }) {
  const { t } = useApp();
  const { factors, skippable } = screen;
  const [chosen, setChosen] = useState<MfaFactor | null>(factors.length === 1 ? factors[0]! : null);
  const ref = useFocusHeading(chosen);
  if (chosen) {
    const Setup = SETUP[chosen];
    return (
      <div ref={ref}>
        <Setup />
        <div class="footer-links">
          {factors.length > 1 ? (
            <button type="button" class="link" onClick={() => setChosen(null)}>
              {t('mfa.choose_another')}
            </button>
          ) : null}
          {skippable ? <Skip /> : null}
        </div>
      </div>
    );
  }
  return (
    <div ref={ref}>
      <h1>{t('mfa.bind_title')}</h1>
      <p>{t('mfa.bind_intro')}</p>
      <div class="stack">
        {factors.map((factor) => (
          <button key={factor} type="button" class="secondary factor" onClick={() => setChosen(factor)}>
            <span>
              <strong>{t(FACTOR_NAME[factor])}</strong>
              <br />
              <span class="hint">{t(FACTOR_HINT[factor])}</span>
            </span>
          </button>
        ))}
      </div>
      {skippable ? (
        <div class="footer-links">
          <Skip />
        </div>
      ) : null}
    </div>
  );
}
