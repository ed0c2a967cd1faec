FROM node:20-bookworm-slim
WORKDIR /app
RUN npm install -g pnpm@12.21.0
COPY . .
RUN pnpm install --frozen-lockfile \
 && PRISMA_SCHEMA_ENGINE_BINARY=/usr/local/bin/node node_modules/.bin/prisma generate --schema prisma/schema.prisma \
 && pnpm --filter @seatrush/web run build
EXPOSE 3000
CMD ["node_modules/.bin/tsx", "apps/server/src/main.ts", "--role", "all"]
