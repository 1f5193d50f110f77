# syntax=docker/dockerfile:1
# Multi-stage build for the two Coffer images:
#   docker build --target api -t coffer-api .
#   docker build --target web -t coffer-web .

# ---- dependencies (all of them: the builds need TypeScript, codegen, ...)
FROM node:20-bookworm-slim AS deps
WORKDIR /app
ENV NEXT_TELEMETRY_DISABLED=1
COPY package.json package-lock.json ./
COPY server/package.json server/
COPY web/package.json web/
RUN npm ci --no-audit --no-fund

# ---- build both workspaces. The console reads its API URLs at request time,
# so one image serves any deployment. Dev dependencies stay: `next start`
# loads next.config.ts, which needs TypeScript.
FROM deps AS build
COPY . .
RUN npm run build -w server \
 && npm run build -w web \
 && rm -rf web/.next/cache

# ---- API: node server/dist/main.js, unprivileged
FROM node:20-bookworm-slim AS api
WORKDIR /app
ENV NODE_ENV=production \
    PORT=4000
COPY --from=build /app/package.json /app/package-lock.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/server ./server
# The console's persisted-documents manifest: the API runs the console's operations from it (PERSISTED_DOCUMENTS).
COPY --from=build /app/web/src/gql/persisted-documents.json ./web/src/gql/persisted-documents.json
USER node
EXPOSE 4000
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=5 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 4000) + '/api/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "server/dist/main.js"]

# ---- console: next start, unprivileged
FROM node:20-bookworm-slim AS web
WORKDIR /app
ENV NODE_ENV=production \
    NEXT_TELEMETRY_DISABLED=1
COPY --from=build /app/package.json /app/package-lock.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/web ./web
USER node
EXPOSE 3000
CMD ["npm", "run", "start", "-w", "web"]
