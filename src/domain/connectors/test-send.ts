// Use case C6: POST /api/connectors/{factoryId}/test. Builds a Sender from the BODY config with the
// connectors in src/connectors and sends template Generic with code 000000. Throws LogtoError
// connector.not_found (400 here, not 501), connector.unexpected_type, connector.invalid_config (also for
// an address the egress policy refuses), connector.template_not_found, connector.general (the send failed).
import { renderTemplate } from '../../connectors/templates.ts';
import { LogtoError } from '../errors.ts';
import { checkConfigAddresses } from './addresses.ts';
import { buildSender } from './build-sender.ts';
import { cleanDeep, validateConfig, type Json } from './config.ts';
import { findFactory } from './factories.ts';
import type { ConnectorDeps } from './index.ts';

export const TEST_CODE = '000000';
const USAGE = 'Generic';
const quiet = { info() {}, warn() {}, error() {} };

/** connector.not_found carries 501 in the catalogue; C6 answers it with 400 (LG). */
const factoryNotFound = () => new LogtoError('connector.not_found', undefined, 400);

/** `phone` (digits, sent as +digits) wins over `email`. */
export async function sendTestMessage(deps: ConnectorDeps, factoryId: string, input: { config: Json; phone?: string; email?: string }): Promise<void> {
  const factory = findFactory(factoryId);
  if (!factory || (factory.metadata.type !== 'Email' && factory.metadata.type !== 'Sms')) throw factoryNotFound();
  const channel = input.phone ? 'sms' : 'email';
  if ((channel === 'sms') !== (factory.metadata.type === 'Sms')) throw new LogtoError('connector.unexpected_type');
  const config = cleanDeep(input.config);
  validateConfig(deps, factory, config);
  await checkConfigAddresses(deps.egress, factoryId, config);
  const { sender, template: templateFor, close } = buildSender({ dataDir: deps.dataDir, logger: quiet, egress: deps.egress }, factoryId, config);
  try {
    const template = templateFor(USAGE);
    if (!template) throw new LogtoError('connector.template_not_found');
    await sender.send({
      channel,
      to: input.phone ? `+${input.phone}` : input.email!,
      text: renderTemplate(template.content, TEST_CODE),
      ...(template.subject === undefined ? {} : { subject: renderTemplate(template.subject, TEST_CODE) }),
      html: template.contentType === 'text/html',
      code: TEST_CODE,
      purpose: USAGE,
    });
  } catch (error) {
    if (error instanceof LogtoError) throw error;
    throw new LogtoError('connector.general', { message: error instanceof Error ? error.message : String(error) });
  } finally {
    close();
  }
}
