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

  // --- social and sso ---
  'social.area_label': 'Autres façons de se connecter',
  'social.continue_with': 'Continuer avec {{name}}',
  'social.callback_title': 'Connexion en cours',
  'social.failed_title': "La connexion n'a pas abouti",
  'social.back_to_sign_in': 'Retour à la connexion',
  'social.error_not_started_here': "Cette connexion ne peut pas être confirmée : elle n'a pas été commencée depuis cette page, ou elle a déjà servi. Recommencez depuis la page de connexion.",
  'social.error_cancelled': "Le fournisseur ne vous a pas connecté (c'est annulé ou refusé). Vous pouvez réessayer.",
  'social.error_provider': "Le fournisseur de connexion n'a pas pu confirmer votre identité. Réessayez, ou connectez-vous autrement.",
  'social.error_sso_enabled': "Votre organisation vous connecte par authentification unique. Utilisez « Se connecter par authentification unique » avec votre e-mail professionnel.",
  'social.link_title': 'Vous avez déjà un compte',
  'social.link_body': 'Un compte avec {{account}} existe déjà. Associez-lui ce moyen de connexion, ou créez un nouveau compte.',
  'social.link_existing': 'Associer au compte existant {{account}}',
  'social.create_new': 'Créer un nouveau compte',
  'sso.link': 'Se connecter par authentification unique',
  'sso.title': 'Authentification unique',
  'sso.subtitle': 'Saisissez votre e-mail professionnel pour vous connecter via votre organisation.',
  'sso.email_label': 'E-mail professionnel',
  'sso.no_connector': "Il n'y a pas d'authentification unique pour ce domaine. Revenez en arrière et connectez-vous autrement.",


  // --- errors (error.<code>) ---
  'error.unknown': "Une erreur s'est produite. Veuillez réessayer.",
  'error.network': "Impossible de joindre Verity. Vérifiez votre connexion et réessayez.",
  'error.session.not_found': "Cette session de connexion a expiré. Revenez à l'application et recommencez.",
  'error.session.invalid_credentials': "Le compte ou le mot de passe n'est pas correct.",
  'error.session.verification_blocked_too_many_attempts': 'Trop de tentatives échouées. Ce compte est bloqué pour un moment ; réessayez plus tard.',
  'error.user.suspended': 'Ce compte est suspendu.',
};
