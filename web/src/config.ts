// Where the API is. Served by the API itself: the same origin. Hosted elsewhere
// (PORTAL_APP_URL pointing at another site): build with VITE_PORTAL_API_URL set.
const configured = (import.meta.env.VITE_PORTAL_API_URL as string | undefined) ?? "";

export const apiBase: string = (configured || window.location.origin).replace(/\/+$/, "");

export const graphqlUrl = `${apiBase}/graphql`;

export const graphqlWsUrl = graphqlUrl.replace(/^http/, "ws");

/** An API path (e.g. an invoice's pdfUrl, absolute or not) as a URL on the API's origin. */
export function apiUrl(path: string): string {
  if (/^https?:\/\//.test(path)) return path;
  return `${apiBase}${path.startsWith("/") ? "" : "/"}${path}`;
}

/** The GitLab sign-in address when the API has GitLab configured, else null.
 * The API writes it into index.html's <meta name="portal-gitlab-sign-in">. */
export function gitlabSignInUrl(): string | null {
  const meta = document.querySelector<HTMLMetaElement>('meta[name="portal-gitlab-sign-in"]');
  const value = meta?.content || (import.meta.env.VITE_PORTAL_GITLAB_SIGN_IN as string | undefined);
  return value ? apiUrl(value) : null;
}
