-- The sign-in experience (Logto `sign_in_experiences`): one row, id `default`, seeded with the
-- fresh-install values of an open-source Logto. JSON columns hold whole values: a PATCH replaces
-- each top-level field it carries (no deep merge).
CREATE TABLE sign_in_experiences (
  id text PRIMARY KEY,
  tenant_id text NOT NULL DEFAULT 'default',
  color jsonb NOT NULL,
  branding jsonb NOT NULL DEFAULT '{}'::jsonb,
  language_info jsonb NOT NULL,
  terms_of_use_url text,
  privacy_policy_url text,
  agree_to_terms_policy text NOT NULL DEFAULT 'Automatic'
    CHECK (agree_to_terms_policy IN ('Automatic', 'ManualRegistrationOnly', 'Manual')),
  sign_in jsonb NOT NULL,
  sign_up jsonb NOT NULL,
  social_sign_in jsonb NOT NULL DEFAULT '{}'::jsonb,
  social_sign_in_connector_targets jsonb NOT NULL DEFAULT '[]'::jsonb,
  sign_in_mode text NOT NULL DEFAULT 'SignInAndRegister' CHECK (sign_in_mode IN ('SignIn', 'Register', 'SignInAndRegister')),
  custom_css text,
  custom_content jsonb NOT NULL DEFAULT '{}'::jsonb,
  custom_ui_assets jsonb,
  -- partial policy as stored; readers fill the defaults (domain/sign-in-experience/password-policy.ts)
  password_policy jsonb NOT NULL DEFAULT '{}'::jsonb,
  mfa jsonb NOT NULL DEFAULT '{"factors": [], "policy": "UserControlled"}'::jsonb,
  single_sign_on_enabled boolean NOT NULL DEFAULT false,
  support_email text,
  support_website_url text,
  unknown_session_redirect_url text
);

INSERT INTO sign_in_experiences (id, color, branding, language_info, sign_in, sign_up) VALUES (
  'default',
  '{"primaryColor": "#6139F6", "isDarkModeEnabled": false, "darkPrimaryColor": "#8768F8"}'::jsonb,
  '{"logoUrl": "https://logto.io/logo.svg", "darkLogoUrl": "https://logto.io/logo-dark.svg"}'::jsonb,
  '{"autoDetect": true, "fallbackLanguage": "en"}'::jsonb,
  '{"methods": [{"identifier": "username", "password": true, "verificationCode": false, "isPasswordPrimary": true}]}'::jsonb,
  '{"identifiers": ["username"], "password": true, "verify": false}'::jsonb
);
