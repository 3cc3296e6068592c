// The terms agreement of registration: when the sign-in experience asks for a manual agreement
// (`Manual`, `ManualRegistrationOnly`) and has a terms or privacy URL, a required checkbox with the
// documents linked. There is no API for it: the page only refuses to go on while it is unticked.
import { useId, useState } from 'preact/hooks';
import type { Settings } from '../../api/settings.ts';
import { linkable } from '../../app/links.ts';
import { useApp } from '../../app/nav.ts';
import { phraseError } from '../../components/Form.tsx';

export const needsAgreement = (settings: Settings) =>
  (settings.agreeToTermsPolicy === 'Manual' || settings.agreeToTermsPolicy === 'ManualRegistrationOnly') &&
  Boolean(linkable(settings.termsOfUseUrl) || linkable(settings.privacyPolicyUrl));

export function useTermsAgreement() {
  const { settings, t } = useApp();
  const id = useId();
  const [agreed, setAgreed] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const termsOfUseUrl = linkable(settings.termsOfUseUrl);
  const privacyPolicyUrl = linkable(settings.privacyPolicyUrl);
  const shown = needsAgreement(settings);
  const label = termsOfUseUrl && privacyPolicyUrl ? 'register.agree_terms_privacy' : termsOfUseUrl ? 'register.agree_terms' : 'register.agree_privacy';
  return {
    /** Throws (and marks the checkbox) while the agreement is required and not given. */
    check() {
      setError(null);
      if (shown && !agreed) {
        setError(t('register.terms_required'));
        throw phraseError('field.check_above');
      }
    },
    field: shown ? (
      <div class="field">
        <label for={id}>
          <input
            id={id}
            type="checkbox"
            name="terms"
            required
            checked={agreed}
            aria-invalid={error ? 'true' : undefined}
            aria-describedby={`${id}-links${error ? ` ${id}-error` : ''}`}
            onChange={(event) => setAgreed((event.currentTarget as HTMLInputElement).checked)}
          />{' '}
          {t(label)}
        </label>
        <p class="hint" id={`${id}-links`}>
          {t('register.read')}{' '}
          {termsOfUseUrl ? <a href={termsOfUseUrl} target="_blank" rel="noopener noreferrer">{t('common.terms')}</a> : null}
          {termsOfUseUrl && privacyPolicyUrl ? ' · ' : null}
          {privacyPolicyUrl ? <a href={privacyPolicyUrl} target="_blank" rel="noopener noreferrer">{t('common.privacy')}</a> : null}
        </p>
        {error ? <p class="field-error" id={`${id}-error`}>{error}</p> : null}
      </div>
    ) : null,
  };
}
