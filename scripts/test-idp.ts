// A GitHub-like identity provider on loopback, for trying social sign-in by hand (README, "Social
// sign-in through the Experience API"): the tests' GitHub stand-in (test/helpers/github-idp.ts) with
// one OAuth application and one user whose email is verified. It prints the `github-universal`
// connector config that points at it. Its authorize endpoint signs in the user named by the extra
// query parameter `test_user` at once (no login page) and redirects to the redirect URI with `code`
// and `state`. Stop it with Ctrl-C. Never for production: it signs anyone in.
import { startGithubIdp } from '../test/helpers/github-idp.ts';

const idp = await startGithubIdp();
const app = idp.addClient();
const email = process.argv[2] ?? 'octo@example.com';
const user = idp.addUser({ login: 'octo', name: 'Octo Cat', emails: [{ email, verified: true, primary: true }] });
const config = { clientId: app.clientId, clientSecret: app.clientSecret, ...idp.endpoints };
process.stdout.write(
  `${JSON.stringify({ connectorId: 'github-universal', config })}\n` +
    `# test IdP listening at ${idp.url}; its user: test_user=${user.id} (${email}, verified)\n`,
);
const stop = () => void idp.close().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
