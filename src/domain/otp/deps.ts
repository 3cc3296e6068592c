// What the OTP use cases need, as one explicit object.
import type { SenderDirectory } from '../../connectors/types.ts';
import type { Egress } from '../../net/egress.ts';
import type { Metrics } from '../../observability/metrics.ts';
import type { CodeDeps } from '../codes/index.ts';
import type { PolicyConfig } from '../policy.ts';

export interface OtpDeps extends CodeDeps {
  senders: SenderDirectory;
  metrics: Metrics;
  policy: PolicyConfig;
  /** Price per SMS part by destination country ISO, with an optional "default". */
  prices: Record<string, number>;
  /** Checks a given otpCallbackUrl against the egress policy. */
  egress: Pick<Egress, 'checkUrl'>;
}

/** OTPs are application-owned codes in the `otp` scope: another application's key never sees them. */
export const otpOwner = (applicationId: string) => ({ scope: 'otp', applicationId });
