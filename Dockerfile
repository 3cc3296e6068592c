# syntax=docker/dockerfile:1
# Verity's container image: a build stage compiles the server (tsc → dist/) and the sign-in page
# (Vite → web/dist/); the runtime stage holds only that output and the production dependencies
# (`npm ci --omit=dev`: no tsx, vitest, typescript or vite), runs as the unprivileged `node` user, and
# keeps the embedded database, the generated files and the lock in the /data volume.
# test/process/production-install.test.ts reads this file: it copies what the runtime stage's COPY
# lines copy and runs its `npm ci` line in a clean directory, so keep one path per COPY and the
# install on its own RUN line (`&&` steps after it are not run by the test).

FROM node:24-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts skips `prepare`, which would build before the sources are here (the build runs below,
# once), and esbuild's postinstall (a dev dependency through Vite; its platform binary arrives as an
# optional dependency, so the build does not need that script).
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY scripts/build.mjs scripts/build.mjs
COPY src src
COPY web web
RUN npm run build

FROM node:24-slim AS runtime
ENV NODE_ENV=production \
    VERITY_MODE=production \
    VERITY_DATA_DIR=/data \
    HOST=0.0.0.0 \
    PORT=3001
WORKDIR /app
COPY package.json ./package.json
COPY package-lock.json ./package-lock.json
COPY scripts/build.mjs ./scripts/build.mjs
COPY --from=build /app/dist ./dist
COPY --from=build /app/web/dist ./web/dist
# `prepare` (scripts/build.mjs) finds no build tools and keeps the dist/ and web/dist/ copied above.
# The application files stay owned by root: the server cannot rewrite its own code.
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
RUN mkdir -p /data && chown node:node /data && chmod 700 /data
USER node
VOLUME ["/data"]
EXPOSE 3001
# Liveness: GET /api/status answers 204. Slim images have no curl; Node's fetch does the request.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3001) + '/api/status').then((r) => process.exit(r.status === 204 ? 0 : 1), () => process.exit(1))"]
# Exec form: node is PID 1 and receives SIGTERM from `docker stop` itself; the server handles it
# (finishes in-flight requests, closes the store, releases the lock, exits 0). It starts no child
# processes, so no init is needed to reap them (`docker run --init` does no harm).
STOPSIGNAL SIGTERM
CMD ["node", "dist/main.js"]
