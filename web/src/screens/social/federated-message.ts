// The words for a failed step of the federated screens (a social button, "link", "create", a callback):
// this area's phrases where it has them (messages.ts), else the error catalogue's.
import { useApp } from '../../app/nav.ts';
import { useErrorMessage } from '../../components/Form.tsx';
import { federatedPhrase } from './messages.ts';

export function useFederatedMessage() {
  const { t } = useApp();
  const message = useErrorMessage();
  return (error: unknown): string => {
    const phrase = federatedPhrase(error);
    return phrase ? t(phrase) : message(error);
  };
}
