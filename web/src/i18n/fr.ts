// Le catalogue français : chaque clé du catalogue anglais (en.ts), traduite.
import type { Catalogue } from './en.ts';

export const fr: Catalogue = {
  // --- common ---
  'common.continue': 'Continuer',
  'common.back': 'Retour',
  'common.loading': 'Chargement…',
  'common.language': 'Langue',
  'common.or': 'ou',
  'common.terms': "Conditions d'utilisation",
  'common.privacy': 'Politique de confidentialité',
  'common.support': 'Contacter le support',
  'common.logo_alt': 'Logo',
  'common.show_password': 'Afficher le mot de passe',
  'common.hide_password': 'Masquer le mot de passe',
  'common.required': '{{field}} est obligatoire',
  'common.working': 'Veuillez patienter…',

  // --- identifier fields ---
  'field.username': "Nom d'utilisateur",
  'field.email': 'Adresse e-mail',
  'field.phone': 'Numéro de téléphone',
  'field.username_or_email': "Nom d'utilisateur ou adresse e-mail",
  'field.username_or_phone': "Nom d'utilisateur ou numéro de téléphone",
  'field.email_or_phone': 'Adresse e-mail ou numéro de téléphone',
  'field.username_email_or_phone': "Nom d'utilisateur, adresse e-mail ou numéro de téléphone",
  'field.password': 'Mot de passe',
  'field.code': 'Code de vérification',
  'field.code_required': 'Saisissez le code que nous vous avons envoyé',
  'field.check_above': 'Vérifiez le champ ci-dessus.',
  'field.password_required': 'Saisissez votre mot de passe',
  'field.invalid_email': 'Saisissez une adresse e-mail valide',
  'field.invalid_phone': 'Saisissez un numéro de téléphone valide, avec son indicatif (par exemple +33 6 12 34 56 78)',
  'field.invalid_username': "Un nom d'utilisateur commence par une lettre ou _ et ne contient que des lettres, des chiffres et _",
  'field.invalid_identifier': 'Saisissez votre {{field}}',

  // --- sign in ---
  'sign_in.title': 'Connexion',
  'sign_in.subtitle': 'Bon retour parmi nous',
  'sign_in.submit': 'Se connecter',
  'sign_in.password_title': 'Saisissez votre mot de passe',
  'sign_in.password_for': 'Connexion en tant que {{identifier}}',
  'sign_in.use_code': 'Se connecter avec un code de vérification',
  'sign_in.use_password': 'Se connecter avec votre mot de passe',
  'sign_in.no_account': 'Pas encore de compte ?',
  'sign_in.create_account': 'Créer un compte',
  'sign_in.forgot_password': 'Mot de passe oublié ?',
  'sign_in.change_identifier': 'Utiliser un autre compte',
  'sign_in.signing_in': 'Connexion en cours…',
  'sign_in.not_allowed': 'La connexion est désactivée pour cette application.',

  // --- verification code ---
  'code.title': 'Saisissez le code de vérification',
  'code.sent_to': 'Nous avons envoyé un code à {{identifier}}.',
  'code.resend': 'Envoyer un nouveau code',
  'code.resend_in': 'Vous pourrez demander un nouveau code dans {{seconds}} s',
  'code.resent': 'Un nouveau code est en route.',
  'code.submit': 'Vérifier',

  // --- expired or missing interaction ---
  'session.title': 'Ce lien de connexion ne peut pas être utilisé',
  'session.body': "Il a expiré ou n'a pas été ouvert depuis une application. Revenez à l'application et recommencez la connexion.",
  'session.back_to_app': "Revenir à l'application",

  // --- register (sign-up) ---

  // --- forgot password ---

  // --- profile fulfilment ---

  // --- password policy ---

  // --- mfa ---
  'mfa.verify_title': 'Confirmez votre identité',
  'mfa.verify_totp': 'Saisissez le code à 6 chiffres affiché par votre application d’authentification.',
  'mfa.verify_webauthn': 'Utilisez votre clé d’accès : votre appareil vous demandera votre empreinte, votre visage, le verrouillage de l’écran ou une clé de sécurité.',
  'mfa.verify_backup_code': 'Saisissez l’un des codes de secours que vous avez conservés. Chaque code ne sert qu’une fois.',
  'mfa.totp_code': 'Code de l’application d’authentification',
  'mfa.totp_code_required': 'Saisissez le code de votre application d’authentification',
  'mfa.backup_code': 'Code de secours',
  'mfa.backup_code_required': 'Saisissez un code de secours',
  'mfa.use_passkey': 'Utiliser la clé d’accès',
  'mfa.use_totp': 'Utiliser plutôt votre application d’authentification',
  'mfa.use_webauthn': 'Utiliser plutôt une clé d’accès',
  'mfa.use_backup_code': 'Utiliser plutôt un code de secours',
  'mfa.passkey_cancelled': 'La clé d’accès n’a pas été utilisée. Réessayez ou choisissez un autre moyen.',
  'mfa.passkey_unsupported': 'Ce navigateur ne prend pas en charge les clés d’accès. Choisissez un autre moyen.',
  'mfa.bind_title': 'Ajoutez une seconde étape de connexion',
  'mfa.bind_intro': 'Choisissez comment vous confirmerez votre identité à chaque connexion.',
  'mfa.factor_totp': 'Application d’authentification',
  'mfa.factor_totp_hint': 'Un code à 6 chiffres donné par une application sur votre téléphone',
  'mfa.factor_webauthn': 'Clé d’accès',
  'mfa.factor_webauthn_hint': 'Votre empreinte, votre visage, le verrouillage de l’écran ou une clé de sécurité',
  'mfa.factor_backup_code': 'Codes de secours',
  'mfa.factor_backup_code_hint': 'Des codes à usage unique à garder en lieu sûr',
  'mfa.choose_another': 'Choisir un autre moyen',
  'mfa.skip': 'Passer pour l’instant',
  'mfa.totp_title': 'Configurez votre application d’authentification',
  'mfa.totp_scan': 'Scannez ce code QR avec votre application d’authentification.',
  'mfa.totp_qr_alt': 'Code QR qui ajoute ce compte à une application d’authentification',
  'mfa.totp_manual': 'Impossible de le scanner ? Saisissez plutôt cette clé dans l’application :',
  'mfa.totp_then': 'Saisissez ensuite le code à 6 chiffres affiché par l’application.',
  'mfa.webauthn_title': 'Créez une clé d’accès',
  'mfa.webauthn_intro': 'Votre appareil vous demandera de confirmer avec votre empreinte, votre visage, le verrouillage de l’écran ou une clé de sécurité.',
  'mfa.webauthn_create': 'Créer la clé d’accès',
  'mfa.backup_title': 'Conservez vos codes de secours',
  'mfa.backup_intro': 'Si vous perdez votre autre étape de connexion, chacun de ces codes vous permet de vous connecter une fois. Gardez-les en lieu sûr : ils ne seront plus affichés.',
  'mfa.backup_copy': 'Copier les codes',
  'mfa.backup_copied': 'Les codes sont copiés.',
  'mfa.backup_copy_failed': 'Les codes n’ont pas pu être copiés. Téléchargez-les ou notez-les.',
  'mfa.backup_download': 'Télécharger les codes (.txt)',
  'mfa.backup_file_title': 'Codes de secours. Chaque code ne sert qu’une fois. Gardez ce fichier en lieu sûr.',
  'mfa.backup_saved': 'J’ai conservé ces codes',
  'mfa.backup_saved_required': 'Confirmez d’abord que vous avez conservé les codes.',
  'error.session.mfa.invalid_totp_code': 'Ce code n’est pas le bon. Saisissez le code que votre application affiche maintenant.',
  'error.session.mfa.invalid_backup_code': 'Ce code de secours n’est pas le bon, ou il a déjà été utilisé.',
  'error.session.mfa.webauthn_verification_failed': 'La clé d’accès n’a pas pu être vérifiée. Réessayez ou choisissez un autre moyen.',
  'error.session.mfa.webauthn_verification_not_found': 'Ce compte n’a pas de clé d’accès. Choisissez un autre moyen.',
  'error.session.mfa.pending_info_not_found': 'Cette étape a expiré. Recommencez-la.',
  'error.session.mfa.mfa_factor_not_enabled': 'Ce moyen de confirmer votre identité n’est pas disponible. Choisissez-en un autre.',
  'error.session.mfa.backup_code_can_not_be_alone': 'Les codes de secours demandent une autre étape de connexion. Configurez d’abord une application d’authentification ou une clé d’accès.',
  'error.session.mfa.mfa_policy_not_user_controlled': 'Cette application exige une seconde étape de connexion ; elle ne peut pas être passée.',
  'error.user.totp_already_in_use': 'Une application d’authentification est déjà configurée sur ce compte.',

  // --- social and sso ---


  // --- errors (error.<code>) ---
  'error.unknown': "Une erreur s'est produite. Veuillez réessayer.",
  'error.network': "Impossible de joindre Verity. Vérifiez votre connexion et réessayez.",
  'error.session.not_found': "Cette session de connexion a expiré. Revenez à l'application et recommencez.",
  'error.session.invalid_credentials': "Le compte ou le mot de passe n'est pas correct.",
  'error.session.verification_blocked_too_many_attempts': 'Trop de tentatives échouées. Ce compte est bloqué pour un moment ; réessayez plus tard.',
  'error.user.suspended': 'Ce compte est suspendu.',
};
