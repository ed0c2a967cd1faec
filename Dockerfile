# The production image (issue 18): compiled JavaScript, production dependencies only, a non-root user and a
# HEALTHCHECK. Build and run: `docker build -t seatrush .` then `docker compose up` (README, "Production image").
# Checked without Docker by scripts/compose.test.ts (stages, user, health check, no tsx).

# --- build: the whole workspace with dev dependencies; compiles the server and the web app
FROM node:20-bookworm-slim AS build
WORKDIR /src
RUN npm install -g pnpm@12.21.0
COPY . .
RUN pnpm install --frozen-lockfile \
 && PRISMA_SCHEMA_ENGINE_BINARY=/usr/local/bin/node node_modules/.bin/prisma generate --schema prisma/schema.prisma \
 && node scripts/build/server.mjs \
 && pnpm --filter @seatrush/web run build \
 && pnpm --filter @seatrush/server deploy --prod /out \
 && rm -rf /out/src /out/test /out/dist /out/tsconfig*.json \
 && cp -r apps/server/dist /out/dist \
 && cp -r apps/web/dist /out/web \
 && cp deploy/healthcheck.mjs /out/healthcheck.mjs

# --- run: node, the compiled server, its production dependencies; owned by root, run as `node`
FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    WEB_DIST=/app/web \
    PORT=3000
WORKDIR /app
COPY --from=build /out /app
USER node
EXPOSE 3000 9464
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 CMD ["node", "healthcheck.mjs"]
CMD ["node", "dist/main.js", "--role", "all"]
