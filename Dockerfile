# syntax=docker/dockerfile:1
# Switchyard CSMS. Untested here (no Docker engine on our machines); see README "Deployment".
#   docker build -t switchyard .
#   docker run -p 8080:8080 -p 8081:8081 -v switchyard-data:/data switchyard

# ---- build: full toolchain (better-sqlite3 compiles from source: python3, make, g++) ----
FROM node:20-bookworm-slim AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY package.json package-lock.json ./
COPY patches ./patches
# --ignore-scripts: the root "prepare" script compiles sources not copied yet; the native
# module is then built and the dependency patches (patches/) applied explicitly.
RUN npm ci --ignore-scripts --no-audit --no-fund \
 && npm rebuild better-sqlite3 \
 && npx patch-package
COPY tsconfig.json ./
COPY core ./core
COPY actors ./actors
COPY workers ./workers
COPY adapters ./adapters
COPY api ./api
COPY ocpi ./ocpi
COPY bench ./bench
COPY ui ./ui
RUN npm run build \
 && npm prune --omit=dev --no-audit --no-fund

# ---- runtime: production dependencies and dist/ only, no toolchain, non-root ----
FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production \
    CSMS_DATA_DIR=/data \
    CSMS_HOST=0.0.0.0 \
    CSMS_OCPP_PORT=8080 \
    CSMS_API_PORT=8081
WORKDIR /opt/switchyard
COPY --from=build /src/package.json ./package.json
COPY --from=build /src/node_modules ./node_modules
COPY --from=build /src/dist ./dist
COPY docs/asyncapi.yaml ./docs/asyncapi.yaml
RUN mkdir -p /data && chown node:node /data
# The image's unprivileged "node" user (uid 1000).
USER node
VOLUME ["/data"]
EXPOSE 8080 8081
HEALTHCHECK --interval=15s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:8081/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# SIGTERM (docker stop) shuts down gracefully within 10 s.
STOPSIGNAL SIGTERM
# The same node flags as `npm start` (package.json).
CMD ["node", "--max-semi-space-size=2", "dist/workers/main.js"]
