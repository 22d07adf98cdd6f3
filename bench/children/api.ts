// An api-only platform (`BOOKFLOW_ROLES=api`) in its own process, so several of them can serve one
// database side by side, as a deployment scales out its API (benchmark 9). Commands: url, account
// (as startApi's), cpu (ms of this process so far, user + system), stop.
import { serveChild } from '../support/child-process.ts';
import { startApi } from '../support/platform-api.ts';

export interface ApiSpec {
  databaseUrl: string;
  /** The parent's master key: every process of a run seals and opens secrets with the same one. */
  masterKeyHex: string;
}

serveChild<ApiSpec>(async (spec) => {
  const api = await startApi(
    { databaseUrl: spec.databaseUrl },
    { masterKey: Buffer.from(spec.masterKeyHex, 'hex') },
  );
  return {
    url: () => api.url,
    account: (urls) => api.account(urls as string[]),
    cpu: () => {
      const { user, system } = process.cpuUsage();
      return (user + system) / 1000;
    },
    stop: () => api.stop(),
  };
});
