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
  'register.title': 'Créer un compte',
  'register.submit': 'Créer le compte',
  'register.password_title': 'Choisissez un mot de passe',
  'register.have_account': 'Vous avez déjà un compte ?',
  'register.sign_in': 'Se connecter',
  'register.not_allowed': 'La création de compte est désactivée pour cette application.',
  'register.social_only': "Créez votre compte avec l'un de ces services.",
  'register.agree_terms_privacy': "J'accepte les conditions d'utilisation et la politique de confidentialité",
  'register.agree_terms': "J'accepte les conditions d'utilisation",
  'register.agree_privacy': "J'accepte la politique de confidentialité",
  'register.read': 'Les lire :',
  'register.terms_required': 'Acceptez les conditions pour créer un compte.',
  'error.user.username_already_in_use': "Ce nom d'utilisateur est déjà pris. Choisissez-en un autre.",
  'error.user.email_already_in_use': 'Un compte utilise déjà cette adresse e-mail. Connectez-vous plutôt.',
  'error.user.phone_already_in_use': 'Un compte utilise déjà ce numéro de téléphone. Connectez-vous plutôt.',

  // --- forgot password ---
  'forgot.title': 'Réinitialiser votre mot de passe',
  'forgot.subtitle': 'Nous y enverrons un code de vérification.',
  'forgot.send': 'Envoyer le code',
  'forgot.new_title': 'Choisissez un nouveau mot de passe',
  'forgot.submit': 'Changer le mot de passe',
  'forgot.done_title': 'Votre mot de passe est modifié',
  'forgot.done_body': 'Vous pouvez maintenant vous connecter avec votre nouveau mot de passe.',
  'forgot.back_to_sign_in': 'Revenir à la connexion',
  'forgot.unavailable': "La réinitialisation du mot de passe n'est pas disponible ici. Contactez le support.",
  'error.user.user_not_exist': "Aucun compte n'utilise cette adresse e-mail ou ce numéro de téléphone.",
  'error.user.same_password': "Le nouveau mot de passe doit être différent de l'actuel.",

  // --- profile fulfilment ---
  'profile.subtitle': "L'application en a besoin pour continuer.",
  'profile.add_email': 'Ajoutez votre adresse e-mail',
  'profile.add_phone': 'Ajoutez votre numéro de téléphone',
  'profile.add_email_or_phone': 'Ajoutez votre adresse e-mail ou votre numéro de téléphone',
  'profile.add_username': "Choisissez un nom d'utilisateur",
  'profile.add_password': 'Choisissez un mot de passe',
  'profile.send_code': 'Envoyer le code',
  'profile.save': 'Enregistrer et continuer',
  'profile.change': 'En utiliser un autre',

  // --- password policy ---
  'password.new': 'Nouveau mot de passe',
  'password.rules_title': 'Votre mot de passe doit avoir :',
  'password.rule_length': 'Entre {{min}} et {{max}} caractères',
  'password.rule_types': 'Au moins {{min}} de : minuscules, majuscules, chiffres, symboles',
  'password.rule_met': 'respecté',
  'password.rule_unmet': 'pas encore respecté',
  'password.all_met': 'Le mot de passe respecte toutes les règles.',
  'password.some_met': '{{met}} règle(s) sur {{total}} respectée(s).',
  'password.rejected_check': 'Ce mot de passe ne peut pas être utilisé. Les raisons sont sous le champ.',
  'password.reason.too_short': 'Il fait moins de {{min}} caractères.',
  'password.reason.too_long': 'Il fait plus de {{max}} caractères.',
  'password.reason.character_types': 'Il lui faut au moins {{min}} sortes de caractères (minuscules, majuscules, chiffres, symboles).',
  'password.reason.unsupported_characters': 'Il contient des caractères non autorisés : utilisez seulement les lettres de A à Z, des chiffres et des symboles.',
  'password.reason.pwned': "C'est un mot de passe très courant, facile à deviner.",
  'password.reason.repetition': 'Il est surtout fait de caractères répétés (comme aaa).',
  'password.reason.sequence': "Il est surtout fait d'une suite (comme abc, 123 ou azerty).",
  'password.reason.user_info': "Il contient vos informations personnelles (comme votre nom d'utilisateur, votre e-mail ou votre téléphone).",
  'password.reason.words': 'Il contient un mot interdit : {{words}}.',
  'error.password.rejected': 'Ce mot de passe ne peut pas être utilisé.',

  // --- mfa ---

  // --- social and sso ---


  // --- errors (error.<code>) ---
  'error.unknown': "Une erreur s'est produite. Veuillez réessayer.",
  'error.network': "Impossible de joindre Verity. Vérifiez votre connexion et réessayez.",
  'error.session.not_found': "Cette session de connexion a expiré. Revenez à l'application et recommencez.",
  'error.session.invalid_credentials': "Le compte ou le mot de passe n'est pas correct.",
  'error.session.verification_blocked_too_many_attempts': 'Trop de tentatives échouées. Ce compte est bloqué pour un moment ; réessayez plus tard.',
  'error.user.suspended': 'Ce compte est suspendu.',
};
