export type Verb = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** A CenturyLink-style link; `verbs` absent means GET only. */
export interface Link {
  rel: string;
  href: string;
  id?: string;
  name?: string;
  verbs?: Verb[];
}

export function link(rel: string, href: string, extra: Omit<Link, 'rel' | 'href'> = {}): Link {
  return { rel, href, ...extra };
}
