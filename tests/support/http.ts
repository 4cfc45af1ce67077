/** The API client and the bounded-parallel runner live with the local tooling; the demo uses them too. */
export * from '../../infra/local/api-client';
