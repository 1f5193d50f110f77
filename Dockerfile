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

# ---- build both workspaces, then drop what production does not need
FROM deps AS build
# The console reads its API URLs at request time; these only matter to code
# that still uses NEXT_PUBLIC_* (inlined by `next build`).
ARG NEXT_PUBLIC_COFFER_API_URL=http://localhost:4000/graphql
ARG NEXT_PUBLIC_COFFER_WS_URL=ws://localhost:4000/graphql
ENV NEXT_PUBLIC_COFFER_API_URL=${NEXT_PUBLIC_COFFER_API_URL} \
    NEXT_PUBLIC_COFFER_WS_URL=${NEXT_PUBLIC_COFFER_WS_URL}
COPY . .
RUN npm run build -w server \
 && npm run build -w web \
 && npm prune --omit=dev --no-audit --no-fund \
 && rm -rf web/.next/cache

# ---- API: node server/dist/main.js, unprivileged
FROM node:20-bookworm-slim AS api
WORKDIR /app
ENV NODE_ENV=production \
    PORT=4000
COPY --from=build /app/package.json /app/package-lock.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/server ./server
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
