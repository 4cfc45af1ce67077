# syntax=docker/dockerfile:1
# The service image: TypeScript compiled in a build stage, production dependencies only in the
# runtime stage, run as the unprivileged `node` user. Written for `docker compose --profile app`
# (docker-compose.yml); NOT built or run on the build machines, which have no Docker engine.

FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json main.ts ./
COPY api ./api
COPY commands ./commands
COPY domain ./domain
COPY infra ./infra
COPY projections ./projections
RUN npm run build

FROM node:20-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund

FROM node:20-bookworm-slim
ENV NODE_ENV=production PORT=3000
WORKDIR /app
COPY --from=deps --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/dist ./dist
COPY --chown=node:node package.json ./
USER node
EXPOSE 3000
# Node is PID 1 and handles SIGTERM itself (main.ts): it stops accepting, finishes requests in
# flight, flushes the producer, commits offsets and closes every connection. Not a wrapper such
# as the `tsx` command, whose signal relay SIGKILLs a busy child (see tests/support/process.ts).
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=5s --timeout=3s --start-period=30s --retries=5 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/readyz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# Flags as in infra/local/node-flags.ts.
CMD ["node", "--max-semi-space-size=64", "dist/main.js"]
