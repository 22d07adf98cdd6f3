import { useQuery, useQueryClient } from '@tanstack/react-query';
import { ApiProblem, api, setCsrfToken } from './api/client.ts';
import type { Session } from './api/types.ts';

/** The signed-in session, or null when signed out (the API answered 401). */
export function useSession() {
  return useQuery({
    queryKey: ['session'],
    queryFn: async (): Promise<Session | null> => {
      try {
        const session = await api<Session>('GET', '/v1/dashboard/session');
        setCsrfToken(session.csrf_token);
        return session;
      } catch (err) {
        if (err instanceof ApiProblem && err.status === 401) return null;
        throw err;
      }
    },
    staleTime: Number.POSITIVE_INFINITY,
    retry: false,
  });
}

export function useSignedIn() {
  const client = useQueryClient();
  return (session: Session) => {
    setCsrfToken(session.csrf_token);
    client.setQueryData(['session'], session);
  };
}

export function useSignOut() {
  const client = useQueryClient();
  return async () => {
    await api('DELETE', '/v1/dashboard/session');
    setCsrfToken(null);
    client.setQueryData(['session'], null);
    // Nothing of the account stays in memory after sign-out (the session query itself is observed).
    client.removeQueries({ predicate: (q) => q.queryKey[0] !== 'session' });
  };
}

/**
 * Switches the session between the live account and its test twin. Every other query is reset
 * (cleared, and refetched when shown), so nothing of the previous mode stays on screen.
 */
export function useSwitchMode() {
  const client = useQueryClient();
  return async (mode: Session['mode']) => {
    const session = await api<Session>('POST', '/v1/dashboard/session/mode', { mode });
    setCsrfToken(session.csrf_token);
    client.setQueryData(['session'], session);
    await client.resetQueries({ predicate: (q) => q.queryKey[0] !== 'session' });
  };
}
