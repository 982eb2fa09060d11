/**
 * Text with the secrets the environment holds (the DATABASE_URL password, the admin and ingress tokens) blanked out:
 * for messages written before the logger exists, such as the one a failed start prints.
 */
export function withoutSecrets(text: string, env: NodeJS.ProcessEnv): string {
  let clean = text;
  for (const secret of secretsOf(env)) clean = clean.split(secret).join('[redacted]');
  return clean;
}

function secretsOf(env: NodeJS.ProcessEnv): string[] {
  const secrets = [env.ADMIN_TOKEN, env.EVENTS_INGRESS_TOKEN, ...passwordOf(env.DATABASE_URL)];
  return secrets.filter((secret): secret is string => !!secret && secret.length >= 4);
}

/** The password as written in the URL and decoded: either may show up in a message. */
function passwordOf(url: string | undefined): string[] {
  const written = url ? /^[^:]+:\/\/[^:/@]*:([^@]*)@/.exec(url)?.[1] : undefined;
  if (!written) return [];
  try {
    return [written, decodeURIComponent(written)];
  } catch {
    return [written];
  }
}
