// /callback/sso/:connectorId — the company IdP's answer (OIDC code and state, or the SAML ACS
// redirect's one-time code and state): E12 with it, then E3. A person signing in for the first time
// is created just in time (E2 Register → E3). Then E4 (app/flow.ts).
import { ApiError } from '../../api/client.ts';
import { identify, switchEvent, verifySso } from '../../api/experience.ts';
import { finish, identifyAndFinish } from '../../app/flow.ts';
import { useApp } from '../../app/nav.ts';
import { Callback, type CallbackStep } from './Callback.tsx';

export function SsoCallback({ screen }: { screen: { connectorId: string } }) {
  const app = useApp();
  const step: CallbackStep = async (query, { verificationId }) => {
    await verifySso(screen.connectorId, query, verificationId);
    try {
      await identify({ verificationId });
    } catch (error) {
      if (!(error instanceof ApiError) || error.code !== 'user.identity_not_exist') throw error;
      await switchEvent('Register');
      return identifyAndFinish(app, { verificationId });
    }
    return finish(app);
  };
  return <Callback kind="sso" connectorId={screen.connectorId} step={step} />;
}
