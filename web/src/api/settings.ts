// The public sign-in experience (GET /api/.well-known/sign-in-exp, src/domain/sign-in-experience/public.ts):
// what a person may do here and how the page looks.
import type { IdentifierType, MfaFactor } from './experience.ts';
import { request } from './client.ts';

export interface SignInMethod {
  identifier: IdentifierType;
  password: boolean;
  verificationCode: boolean;
  isPasswordPrimary: boolean;
}

export interface SocialConnector {
  id: string;
  target: string;
  name: Record<string, string>;
  logo: string;
  logoDark: string | null;
}

export interface Settings {
  signInMode: 'SignIn' | 'Register' | 'SignInAndRegister';
  signIn: { methods: SignInMethod[] };
  signUp: { identifiers: IdentifierType[]; password: boolean; verify: boolean };
  passwordPolicy: {
    length: { min: number; max: number };
    characterTypes: { min: number };
    rejects: { pwned: boolean; repetitionAndSequence: boolean; userInfo: boolean };
  };
  mfa: { factors: MfaFactor[]; policy: 'UserControlled' | 'Mandatory' };
  singleSignOnEnabled: boolean;
  socialConnectors: SocialConnector[];
  forgotPassword: { email: boolean; phone: boolean };
  verificationCode: { resendIntervalSeconds: number };
  languageInfo: { autoDetect: boolean; fallbackLanguage: string };
  color: { primaryColor: string; isDarkModeEnabled: boolean; darkPrimaryColor: string };
  branding: { logoUrl?: string; darkLogoUrl?: string; favicon?: string; darkFavicon?: string };
  agreeToTermsPolicy: 'Automatic' | 'ManualRegistrationOnly' | 'Manual';
  termsOfUseUrl: string | null;
  privacyPolicyUrl: string | null;
  supportEmail: string | null;
  supportWebsiteUrl: string | null;
  unknownSessionRedirectUrl: string | null;
}

export const loadSettings = () => request<Settings>('GET', '/api/.well-known/sign-in-exp');
